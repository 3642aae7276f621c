using System.Formats.Asn1;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Castellan.Validation.Contracts;
using Castellan.Validation.Perspectives;
using Microsoft.Extensions.Options;

namespace Castellan.Validation.TlsAlpn01;

/// <summary>
/// ACME tls-alpn-01 (RFC 8737, BR 3.2.2.4.20) from one perspective: a TLS handshake to NAME:TlsAlpnChallengePort
/// offering only ALPN "acme-tls/1" with SNI = NAME. The server must select acme-tls/1 and present a certificate whose
/// subjectAltName holds exactly NAME as its one dNSName and whose critical id-pe-acmeIdentifier extension
/// (1.3.6.1.5.5.7.1.31) is an OCTET STRING of SHA-256(key authorization). The certificate is not path-validated
/// (§3: it is self-signed by design). For an IP identifier (RFC 8738 §6) the connection goes to the address itself, the
/// SNI is the address's reverse-DNS name (in-addr.arpa / ip6.arpa, since SNI cannot carry an address), and the
/// subjectAltName must be exactly that iPAddress.
/// </summary>
internal sealed class TlsAlpnChecker(IOptions<ValidationOptions> options)
{
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";
    public static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    public async Task<Result<string>> CheckAsync(ValidationRequest request, Perspective perspective, CancellationToken ct)
    {
        var o = options.Value;
        var id = request.Identifier;
        if (id.IsWildcard) return Fail(id, ValidationFailureKind.IncorrectResponse, "tls-alpn-01 cannot validate a wildcard (RFC 8737 §3)");
        var name = id.Value;
        IReadOnlyList<IPAddress> addresses;
        string sni;
        if (id.Type == IdentifierType.Ip)
        {
            if (!IPAddress.TryParse(name, out var ip)) return Fail(id, ValidationFailureKind.IncorrectResponse, $"{name} is not an IP address");
            addresses = [ip];
            sni = ReverseName(ip);
        }
        else
        {
            try { addresses = await perspective.Dns.ResolveAsync(name, ct); }
            catch (SocketException e) { return Fail(id, ValidationFailureKind.Dns, $"no address for {name}: {e.SocketErrorCode}"); }
            if (addresses.Count == 0) return Fail(id, ValidationFailureKind.Dns, $"no address for {name}");
            sni = name;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.AttemptTimeout);
        var endpoint = new IPEndPoint(addresses[0], o.TlsAlpnChallengePort);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (perspective.SourceAddress is { } source) socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(endpoint, timeout.Token);
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = sni,
                ApplicationProtocols = [AcmeTls1],
#pragma warning disable CA5359 // RFC 8737 §3: the challenge certificate is self-signed by design and checked below
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            }, timeout.Token);
            if (tls.NegotiatedApplicationProtocol != AcmeTls1)
                return Fail(id, ValidationFailureKind.Tls, $"{endpoint} did not negotiate ALPN acme-tls/1");
            if (tls.RemoteCertificate is null) return Fail(id, ValidationFailureKind.Tls, $"{endpoint} presented no certificate");
            using var cert = new X509Certificate2(tls.RemoteCertificate);
            var problem = CheckCertificate(cert, id, request.ExpectedValue);
            return problem is null
                ? id.Type == IdentifierType.Ip
                    ? $"{name} at {endpoint} (SNI {sni}) presented a valid acme-tls/1 certificate"
                    : $"{name} at {endpoint} via {perspective.Dns.Describe} presented a valid acme-tls/1 certificate"
                : Fail(id, ValidationFailureKind.Tls, $"{endpoint}: {problem}");
        }
        catch (SocketException e) { return Fail(id, ValidationFailureKind.Connection, $"could not connect to {endpoint}: {e.SocketErrorCode}"); }
        catch (AuthenticationException e) { return Fail(id, ValidationFailureKind.Tls, $"TLS handshake with {endpoint} failed: {e.Message}"); }
        catch (IOException e) { return Fail(id, ValidationFailureKind.Tls, $"TLS handshake with {endpoint} failed: {e.Message}"); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return Fail(id, ValidationFailureKind.Connection, $"timed out on {endpoint}"); }
    }

    /// <summary>RFC 8737 §3 checks on the presented certificate; null when it is acceptable, else what is wrong.</summary>
    internal static string? CheckCertificate(X509Certificate2 cert, Identifier id, string keyAuthorization)
    {
        var acme = cert.Extensions.FirstOrDefault(e => e.Oid?.Value == AcmeIdentifierOid);
        if (acme is null) return "the certificate has no id-pe-acmeIdentifier extension";
        if (!acme.Critical) return "the id-pe-acmeIdentifier extension is not critical";
        byte[] digest;
        try
        {
            digest = AsnDecoder.ReadOctetString(acme.RawData, AsnEncodingRules.DER, out var consumed);
            if (consumed != acme.RawData.Length) return "the id-pe-acmeIdentifier extension has trailing data";
        }
        catch (AsnContentException) { return "the id-pe-acmeIdentifier extension is not an OCTET STRING"; }
        var expected = SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization));
        if (!CryptographicOperations.FixedTimeEquals(digest, expected)) return "the id-pe-acmeIdentifier digest does not match the key authorization";

        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return "the certificate has no subjectAltName";
        var dnsNames = san.EnumerateDnsNames().ToList();
        var ips = san.EnumerateIPAddresses().ToList();
        if (id.Type == IdentifierType.Ip)
        {
            // RFC 8738 §6: the iPAddress, compared as an address (so ::1 and 0:0::1 are one), and nothing else.
            if (dnsNames.Count != 0 || ips.Count != 1 || !IPAddress.TryParse(id.Value, out var wanted) || !ips[0].Equals(wanted))
                return $"the subjectAltName must be exactly iPAddress {id.Value}";
            return null;
        }
        if (dnsNames.Count != 1 || ips.Count != 0 || !string.Equals(dnsNames[0], id.Value, StringComparison.OrdinalIgnoreCase))
            return $"the subjectAltName must be exactly dNSName {id.Value}";
        return null;
    }

    /// <summary>
    /// RFC 8738 §6 / RFC 1035 §3.5 / RFC 3596 §2.5: the reverse-DNS name of an address, used as the TLS SNI: IPv4 octets
    /// reversed under in-addr.arpa, IPv6 nibbles reversed under ip6.arpa. An IPv4-mapped IPv6 address is its IPv4 form.
    /// </summary>
    public static string ReverseName(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return string.Join('.', bytes.Reverse().Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ".in-addr.arpa";
        var nibbles = new StringBuilder(64 + 9);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            nibbles.Append("0123456789abcdef"[bytes[i] & 0xF]).Append('.');
            nibbles.Append("0123456789abcdef"[bytes[i] >> 4]).Append('.');
        }
        return nibbles.Append("ip6.arpa").ToString();
    }

    private static ValidationFailed Fail(Identifier id, ValidationFailureKind kind, string detail) => new(id, kind, detail);
}
