using System.Collections.Concurrent;

namespace Castellan.Authority.Ocsp;

/// <summary>
/// Pre-signed OCSP responses (RFC 5019 2.2: responses may be produced in advance). Keyed by the CertID as the client
/// sends it (hash algorithm, issuer key hash, serial), so the bytes can be returned without parsing anything else.
/// </summary>
public sealed class OcspResponseCache
{
    private readonly ConcurrentDictionary<string, CachedOcspResponse> _responses = new(StringComparer.Ordinal);

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

    public void Put(string key, CachedOcspResponse response) => _responses[key] = response;

    public void Remove(string key) => _responses.TryRemove(key, out _);

    public IEnumerable<KeyValuePair<string, CachedOcspResponse>> Entries => _responses;
}

public sealed record CachedOcspResponse(byte[] Der, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate);
