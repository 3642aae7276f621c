using System.Net;
using System.Net.Sockets;
using System.Text;
using Castellan.Validation.Contracts;
using Castellan.Validation.Perspectives;
using Microsoft.Extensions.Options;

namespace Castellan.Validation.Http01;

/// <summary>
/// The HTTP methods from one perspective. ACME http-01 (RFC 8555 §8.3, BR 3.2.2.4.19): GET
/// http://NAME:port/.well-known/acme-challenge/TOKEN returns the key authorization (surrounding whitespace trimmed).
/// Agreed-upon change to website (BR 3.2.2.4.18): /.well-known/pki-validation/TOKEN.txt contains the random value.
/// Names resolve through the perspective's resolvers; redirects are followed only to the HTTP or HTTPS challenge port
/// (80/443 in production, BR 3.2.2.4.19), at most <see cref="ValidationOptions.MaxRedirects"/> times. The body is
/// capped so a hostile server cannot make us read forever.
/// </summary>
internal sealed class HttpChecker(IOptions<ValidationOptions> options) : IDisposable
{
    private const int MaxBody = 8 * 1024;

    // Which perspective a request connects from, and the hops it made, for the ConnectCallback of the shared handler.
    private static readonly HttpRequestOptionsKey<Perspective> PerspectiveKey = new("castellan.perspective");
    private static readonly HttpRequestOptionsKey<List<string>> VisitedKey = new("castellan.visited");

    // One handler for every validation instead of a SocketsHttpHandler and HttpClient per validation, whose set-up
    // (connection pool, timers) was about a tenth of the ACME server's CPU per order under load. Connections are still
    // never reused (PooledConnectionLifetime zero): every fetch resolves the name afresh through its perspective's
    // resolvers and connects from its source address, as before.
    private readonly HttpMessageInvoker _client = new(Handler());

    public async Task<Result<string>> CheckAsync(ValidationRequest request, Perspective perspective, CancellationToken ct)
    {
        var o = options.Value;
        var id = request.Identifier;
        if (request.Token.Length is 0 or > 256 || !request.Token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse, "the token must be base64url characters");
        var path = request.Method == ValidationMethod.HttpFile ? $"/.well-known/pki-validation/{request.Token}.txt" : $"/.well-known/acme-challenge/{request.Token}";
        var visited = new List<string>();
        var host = id.Type == IdentifierType.Ip && IPAddress.TryParse(id.Value, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{id.Value}]" : id.BaseName;
        var uri = new Uri($"http://{host}:{o.HttpChallengePort}{path}");
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(o.AttemptTimeout);
                using var get = new HttpRequestMessage(HttpMethod.Get, uri);
                get.Options.Set(PerspectiveKey, perspective);
                get.Options.Set(VisitedKey, visited);
                using var response = await _client.SendAsync(get, attempt.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= o.MaxRedirects) return Fail(id, ValidationFailureKind.Connection, $"{uri} redirected more than {o.MaxRedirects} times");
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (!(next.Scheme == "http" && next.Port == o.HttpChallengePort) && !(next.Scheme == "https" && next.Port == o.TlsAlpnChallengePort))
                        return Fail(id, ValidationFailureKind.Connection, $"{uri} redirected to {next}, which is not on the HTTP or HTTPS port");
                    uri = next;
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.OK)
                    return Fail(id, ValidationFailureKind.IncorrectResponse, $"{uri} answered {(int)response.StatusCode}");
                var body = await ReadCappedAsync(response, attempt.Token);
                if (body is null) return Fail(id, ValidationFailureKind.IncorrectResponse, $"{uri} answered more than {MaxBody} bytes");
                var matched = request.Method == ValidationMethod.HttpFile
                    ? body.Contains(request.ExpectedValue, StringComparison.Ordinal)
                    : body.Trim() == request.ExpectedValue;
                var via = string.Join(" -> ", visited);
                return matched
                    ? $"{uri} via {via} returned the expected value"
                    : Fail(id, ValidationFailureKind.IncorrectResponse, $"{uri} via {via} did not return the expected value");
            }
        }
        catch (HttpRequestException e)
        {
            return Fail(id, e.HttpRequestError == HttpRequestError.NameResolutionError ? ValidationFailureKind.Dns : ValidationFailureKind.Connection,
                $"could not fetch {uri}: {e.HttpRequestError}");
        }
        catch (SocketException e)
        {
            return Fail(id, ValidationFailureKind.Dns, $"no address for {uri.Host}: {e.SocketErrorCode}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Fail(id, ValidationFailureKind.Connection, $"timed out fetching {uri}");
        }
    }

    public void Dispose() => _client.Dispose();

    private static SocketsHttpHandler Handler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        // A redirect to https is fetched without judging the certificate: control is shown by the content.
#pragma warning disable CA5359 // the content proves control; the certificate is not what is being validated
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
#pragma warning restore CA5359
        ConnectCallback = async (context, token) =>
        {
            var options = context.InitialRequestMessage.Options;
            if (!options.TryGetValue(PerspectiveKey, out var perspective) || !options.TryGetValue(VisitedKey, out var visited))
                throw new InvalidOperationException("an HTTP validation request without its perspective");
            var addresses = await perspective.Dns.ResolveAsync(context.DnsEndPoint.Host, token);
            if (addresses.Count == 0) throw new HttpRequestException(HttpRequestError.NameResolutionError, $"no address for {context.DnsEndPoint.Host}");
            var address = addresses[0];
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (perspective.SourceAddress is { } source) socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), token);
            }
            catch { socket.Dispose(); throw; }
            lock (visited) visited.Add($"{context.DnsEndPoint.Host} ({address})");
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    private static ValidationFailed Fail(Identifier id, ValidationFailureKind kind, string detail) => new(id, kind, detail);

    private static async Task<string?> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxBody + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
        return read > MaxBody ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
