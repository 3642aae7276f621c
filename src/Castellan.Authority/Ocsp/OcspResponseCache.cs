using System.Collections.Concurrent;

namespace Castellan.Authority.Ocsp;

/// <summary>
/// Pre-signed OCSP responses (RFC 5019 2.2: responses may be produced in advance). Keyed by the CertID as the client
/// sends it (hash algorithm, issuer key hash, serial), so the bytes can be returned without parsing anything else.
/// </summary>
public sealed class OcspResponseCache
{
    private readonly ConcurrentDictionary<string, CachedOcspResponse> _responses = new(StringComparer.Ordinal);

    // Every "hash algorithm/issuer key hash/" a response was cached under: a handful (CAs x hash algorithms clients
    // use), so dropping all answers for one serial costs a few lookups, not a scan.
    private readonly ConcurrentDictionary<string, byte> _prefixes = new(StringComparer.Ordinal);

    public int Count => _responses.Count;

    public static string Key(string hashAlgorithmOid, ReadOnlySpan<byte> issuerKeyHash, string serialHex) =>
        string.Concat(hashAlgorithmOid, "/", Convert.ToHexStringLower(issuerKeyHash), "/", serialHex);

    public bool TryGet(string key, DateTimeOffset now, out byte[] response)
    {
        if (_responses.TryGetValue(key, out var cached) && cached.NextUpdate > now)
        {
            response = cached.Der;
            return true;
        }
        response = [];
        return false;
    }

    public void Put(string key, CachedOcspResponse response)
    {
        _prefixes.TryAdd(key[..(key.LastIndexOf('/') + 1)], 0);
        _responses[key] = response;
    }

    /// <summary>Drops every cached answer for this serial, whichever CertID form the client used.</summary>
    public void RemoveSerial(string serialHex)
    {
        foreach (var prefix in _prefixes.Keys) _responses.TryRemove(prefix + serialHex, out _);
    }

    public void Remove(string key) => _responses.TryRemove(key, out _);

    public IEnumerable<KeyValuePair<string, CachedOcspResponse>> Entries => _responses;
}

public sealed record CachedOcspResponse(byte[] Der, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate);
