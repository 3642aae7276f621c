using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Authority.KeyStores;

namespace Castellan.Authority.Hierarchy;

/// <summary>A CA with its certificate parsed and its key opened on first use.</summary>
public sealed class LoadedCa
{
    private readonly Lazy<CaSigningKey> _key;
    private readonly Lazy<CaSigningKey?> _ocspKey;

    internal LoadedCa(CertificateAuthorityRecord record, KeyCustody custody)
    {
        Record = record;
        Certificate = record.CertificateDer is null ? null : X509CertificateLoader.LoadCertificate(record.CertificateDer);
        OcspResponder = record.OcspResponderCertificateDer is null ? null : X509CertificateLoader.LoadCertificate(record.OcspResponderCertificateDer);
        _key = new(() => custody.Open(record.Key, record.KeyAlgorithm));
        _ocspKey = new(() => record.OcspResponderKey is null || OcspResponder is null
            ? null
            : custody.Open(record.OcspResponderKey, KeyAlgorithms.FromPublicKey(OcspResponder.PublicKey)));
        SubjectKeyIdentifier = Certificate?.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes.ToArray()
            ?? [];
    }

    public CertificateAuthorityRecord Record { get; }
    public string Id => Record.Id;
    public X509Certificate2? Certificate { get; }
    public X509Certificate2? OcspResponder { get; }
    public byte[] SubjectKeyIdentifier { get; }
    public CaSigningKey Key => _key.Value;
    public CaSigningKey? OcspResponderKey => _ocspKey.Value;

    public IssuerContext AsIssuer() =>
        new(Record, Certificate?.SubjectName ?? new X500DistinguishedName(Record.SubjectDn), SubjectKeyIdentifier, Key) { Certificate = Certificate };
}

/// <summary>
/// The CA hierarchy in memory: read once from the store and refreshed when an operator changes it.
/// Issuance asks it for the issuer and the chain without touching the database.
/// </summary>
public sealed class CaDirectory(ICaStore store, KeyCustody custody)
{
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private volatile IReadOnlyDictionary<string, LoadedCa>? _cas;
    private int _generation;

    public async Task<IReadOnlyCollection<LoadedCa>> AllAsync(CancellationToken ct) => (await LoadAsync(ct)).Values.ToList();

    public async Task<LoadedCa?> FindAsync(string id, CancellationToken ct) =>
        (await LoadAsync(ct)).TryGetValue(id, out var ca) ? ca : null;

    /// <summary>The issuer used when a request names none: the newest active intermediate, else the newest active root.</summary>
    public async Task<LoadedCa?> DefaultIssuerAsync(CancellationToken ct)
    {
        var all = (await LoadAsync(ct)).Values.Where(c => c.Record.CanIssue).OrderByDescending(c => c.Record.CreatedAt).ToList();
        return all.FirstOrDefault(c => c.Record.Kind == CaKind.Intermediate) ?? all.FirstOrDefault();
    }

    /// <summary>The chain from this CA up to and including its root.</summary>
    public async Task<IReadOnlyList<X509Certificate2>> ChainAsync(string id, CancellationToken ct)
    {
        var cas = await LoadAsync(ct);
        var chain = new List<X509Certificate2>();
        var seen = new HashSet<string>();
        for (var current = cas.GetValueOrDefault(id); current?.Certificate is not null && seen.Add(current.Id);
             current = current.Record.ParentId is { } p ? cas.GetValueOrDefault(p) : null)
        {
            chain.Add(current.Certificate);
        }
        return chain;
    }

    /// <summary>Finds the CA whose certificate has this SHA-1 key hash (OCSP CertID.issuerKeyHash).</summary>
    public async Task<LoadedCa?> FindByKeyHashAsync(ReadOnlyMemory<byte> sha1KeyHash, CancellationToken ct)
    {
        foreach (var ca in (await LoadAsync(ct)).Values)
        {
            if (ca.Certificate is not null && CertIdHashes.KeyHashSha1(ca.Certificate).AsSpan().SequenceEqual(sha1KeyHash.Span)) return ca;
        }
        return null;
    }

    /// <summary>
    /// Drops the cached hierarchy. The generation count makes a load that read the store before this call unable to
    /// put its stale snapshot back: without it a CA disabled while another request was loading kept issuing.
    /// </summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cas = null;
    }

    private async Task<IReadOnlyDictionary<string, LoadedCa>> LoadAsync(CancellationToken ct)
    {
        if (_cas is { } cached) return cached;
        await _loadLock.WaitAsync(ct);
        try
        {
            while (true)
            {
                if (_cas is { } again) return again;
                var generation = Volatile.Read(ref _generation);
                var loaded = new ConcurrentDictionary<string, LoadedCa>();
                foreach (var record in await store.ListAsync(ct)) loaded[record.Id] = new LoadedCa(record, custody);
                if (Volatile.Read(ref _generation) != generation) continue; // changed while we read: read again
                _cas = loaded;
                return loaded;
            }
        }
        finally
        {
            _loadLock.Release();
        }
    }
}

/// <summary>RFC 6960 4.1.1 CertID hashes: SHA-1 over the issuer's DER name and over its public key BIT STRING value.</summary>
#pragma warning disable CA5350 // RFC 6960 4.1.1: CertID hashes are SHA-1 unless the client asks otherwise; not a security use.
public static class CertIdHashes
{
    public static byte[] KeyHashSha1(X509Certificate2 issuer) =>
        System.Security.Cryptography.SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData);

    public static byte[] NameHashSha1(X509Certificate2 issuer) =>
        System.Security.Cryptography.SHA1.HashData(issuer.SubjectName.RawData);
}
#pragma warning restore CA5350
