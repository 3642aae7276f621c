using System.Net;
using System.Net.Sockets;
using Castellan.Validation.Caa;
using Castellan.Validation.Contracts;
using DnsClient;
using DnsClient.Protocol;

namespace Castellan.Validation.Perspectives;

/// <summary>
/// The DNS of one perspective, through DnsClient. Answers distinguish "no such data" (NXDOMAIN or NODATA: an empty
/// list) from "could not find out" (SERVFAIL, REFUSED, timeout: an error), because BR 3.2.2.8 treats a failed CAA
/// lookup as a refusal, never as permission. A and AAAA (http-01, tls-alpn-01) and TXT (dns-01) are never cached: each
/// validation sees the zone as it is now. CAA answers are kept for their TTL (<see cref="CaaAnswerCache"/>).
/// DNSSEC (RFC 8659 §4.1 via BR 3.2.2.8, SC-085v2): the resolvers are validating resolvers; every query sets the DO bit
/// so the resolver validates and reports it (AD), and a bogus answer comes back as SERVFAIL, which refuses. With
/// <c>RequireAuthenticatedData</c> an answer without AD refuses too (and is never cached).
/// </summary>
internal sealed class DnsLookup : IHostResolver
{
    private readonly LookupClient _client;
    private readonly bool _system;
    private readonly bool _requireAuthenticated;
    private readonly CaaAnswerCache _caa;

    public DnsLookup(IReadOnlyList<string> resolvers, TimeSpan timeout, CaaAnswerCache caa, bool requireAuthenticatedData = false)
    {
        _caa = caa;
        _requireAuthenticated = requireAuthenticatedData;
        _system = resolvers.Count == 0;
        var options = _system ? new LookupClientOptions() : new LookupClientOptions(resolvers.Select(ParseEndpoint).ToArray());
        options.UseCache = false;
        options.Timeout = timeout;
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = true;
        options.ContinueOnEmptyResponse = false;
        options.UseTcpFallback = true;
        options.RequestDnsSecRecords = true;
        _client = new LookupClient(options);
    }

    public string Describe => _system ? "system resolver" : string.Join(",", _client.NameServers.Select(n => $"{n.Address}:{n.Port}"));

    public static NameServer ParseEndpoint(string text)
    {
        var t = text.Trim();
        if (IPEndPoint.TryParse(t, out var endpoint) && (t.Contains(']', StringComparison.Ordinal) || t.Count(c => c == ':') == 1))
            return new NameServer(endpoint.Address, endpoint.Port == 0 ? 53 : endpoint.Port);
        if (IPAddress.TryParse(t, out var address)) return new NameServer(address, 53);
        throw new FormatException($"'{text}' is not a DNS resolver address (host:port with an IP address)");
    }

    /// <summary>A and AAAA through the configured resolvers (the system's when none are configured).</summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        if (_system) return await Dns.GetHostAddressesAsync(host, ct);
        // Both families at once: the validation waits for one round trip, not two.
        var a = QueryAsync(host, QueryType.A, ct);
        var aaaa = QueryAsync(host, QueryType.AAAA, ct);
        var v4 = await a;
        var v6 = await aaaa;
        if (v4.IsError && v6.IsError) throw new SocketException((int)SocketError.HostNotFound);
        var list = new List<IPAddress>();
        if (!v4.IsError) list.AddRange(v4.Value.OfType<ARecord>().Select(r => r.Address));
        if (!v6.IsError) list.AddRange(v6.Value.OfType<AaaaRecord>().Select(r => r.Address));
        return list;
    }

    /// <summary>The TXT records at <paramref name="name"/>, each record's strings joined (RFC 7208 §3.3 style).</summary>
    public async Task<Result<IReadOnlyList<string>>> TxtAsync(string name, CancellationToken ct)
    {
        var answers = await QueryAsync(name, QueryType.TXT, ct);
        if (answers.IsError) return answers.Error;
        return answers.Value.OfType<TxtRecord>().Select(r => string.Concat(r.Text)).ToList();
    }

    /// <summary>The CAA RRset at <paramref name="name"/> (after any CNAME the resolver followed); empty when there is none.</summary>
    public async Task<Result<IReadOnlyList<CaaProperty>>> CaaAsync(string name, CancellationToken ct)
    {
        if (_caa.TryGet(name, out var cached)) return cached;
        IDnsQueryResponse? response = null;
        var answers = await QueryAsync(name, QueryType.CAA, ct, r => response = r);
        if (answers.IsError) return answers.Error;
        var records = answers.Value.OfType<CaaRecord>().Select(r => new CaaProperty(r.Flags, r.Tag, r.Value)).ToArray();
        if (response is not null && _caa.Enabled) _caa.Add(name, records, CacheTtl(answers.Value, response));
        return records;
    }

    /// <summary>
    /// How long an answer may be reused: the smallest TTL among the answer records (the CAA RRset and any CNAME that led
    /// to it); for "no CAA here" (NODATA, NXDOMAIN), the negative-caching TTL of RFC 2308 §5, the smaller of the SOA
    /// record's TTL and its MINIMUM field. No SOA, no reuse.
    /// </summary>
    private static TimeSpan CacheTtl(IReadOnlyList<DnsResourceRecord> answers, IDnsQueryResponse response)
    {
        if (answers.Count > 0) return TimeSpan.FromSeconds(answers.Min(a => a.InitialTimeToLive));
        var soa = response.Authorities.OfType<SoaRecord>().FirstOrDefault();
        return soa is null ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(soa.InitialTimeToLive, soa.Minimum));
    }

    private async Task<Result<IReadOnlyList<DnsResourceRecord>>> QueryAsync(string name, QueryType type, CancellationToken ct, Action<IDnsQueryResponse>? answered = null)
    {
        var id = new Identifier(IdentifierType.Dns, name);
        try
        {
            var response = await _client.QueryAsync(name, type, QueryClass.IN, ct);
            var code = response.Header.ResponseCode;
            if (code == DnsHeaderResponseCode.ServerFailure)
                return new ValidationFailed(id, ValidationFailureKind.Dns,
                    $"DNS {type} lookup of {name} failed: SERVFAIL (the resolver could not answer or DNSSEC validation failed)");
            if (code != DnsHeaderResponseCode.NoError && code != DnsHeaderResponseCode.NotExistentDomain)
                return new ValidationFailed(id, ValidationFailureKind.Dns, $"DNS {type} lookup of {name} failed: {code}");
            if (_requireAuthenticated && !response.Header.IsAuthenticData)
                return new ValidationFailed(id, ValidationFailureKind.Dns,
                    $"DNS {type} answer for {name} is not DNSSEC-authenticated (no AD bit) and Castellan:Validation:RequireAuthenticatedData is set");
            answered?.Invoke(response);
            if (code == DnsHeaderResponseCode.NotExistentDomain) return Array.Empty<DnsResourceRecord>();
            return response.Answers.ToList();
        }
        catch (DnsResponseException e)
        {
            return new ValidationFailed(id, ValidationFailureKind.Dns, $"DNS {type} lookup of {name} failed: {e.Code}");
        }
    }
}
