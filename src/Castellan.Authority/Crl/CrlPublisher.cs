using System.Collections.Concurrent;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;
using Castellan.Authority.Hierarchy;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Crl;

/// <summary>
/// Generates, signs and stores each CA's CRL. Concurrent requests coalesce: a caller waits until a CRL generated
/// after its request is published, so a burst of revocations costs one CRL, not one each.
/// </summary>
public sealed class CrlPublisher(CaDirectory cas, ICaStore caStore, ICertificateStore certificates, IAuditLog audit,
    IOptions<AuthorityOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, CaCrlState> _states = new();

    /// <summary>Publishes a CRL that reflects every revocation committed before this call.</summary>
    public async Task<Result<PublishedCrl>> PublishAsync(string caId, string actor, CancellationToken ct)
    {
        var state = _states.GetOrAdd(caId, _ => new CaCrlState());
        var wanted = Interlocked.Increment(ref state.Requested);
        await state.Gate.WaitAsync(ct);
        try
        {
            if (state.Published >= wanted && state.Latest is not null) return state.Latest;
            var covering = Volatile.Read(ref state.Requested);
            var crl = await GenerateAsync(caId, actor, ct);
            if (crl.IsError) return crl.Error;
            state.Latest = crl.Value;
            state.Published = covering;
            return crl.Value;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<Result<PublishedCrl>> GenerateAsync(string caId, string actor, CancellationToken ct)
    {
        var ca = await cas.FindAsync(caId, ct);
        if (ca is null) return new NotFound("ca", $"CA '{caId}' does not exist");
        if (ca.Certificate is null) return new Conflict($"CA '{caId}' has no certificate yet");

        var now = clock.GetUtcNow();
        var thisUpdate = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var nextUpdate = thisUpdate + options.Value.CrlValidity;
        var entries = await certificates.ListRevokedAsync(caId, thisUpdate, ct);
        var number = await caStore.NextCrlNumberAsync(caId, ct);
        var der = Sign(ca, thisUpdate, nextUpdate, entries, number);
        var crl = new PublishedCrl(caId, 0, number, thisUpdate, nextUpdate, entries.Count, der);
        await caStore.SaveCrlAsync(crl, ct);
        await audit.AppendAsync(new AuditEvent(actor, "crl.published", $"ca:{caId}",
            JsonSerializer.Serialize(new { ca = caId, number, entries = entries.Count, thisUpdate, nextUpdate })), CancellationToken.None);
        return crl;
    }

    internal static byte[] Sign(LoadedCa ca, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IReadOnlyCollection<RevokedEntry> entries, long number) =>
        Sign(ca.Key, ca.Certificate!.SubjectName.RawData, ca.SubjectKeyIdentifier, thisUpdate, nextUpdate, entries, number);

    /// <summary>Encodes and signs one CRL; the benchmark (bench/Castellan.Bench) calls this very path with a software key.</summary>
    internal static byte[] Sign(CaSigningKey key, byte[] issuerName, byte[] authorityKeyId, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate,
        IReadOnlyCollection<RevokedEntry> entries, long number)
    {
        var tbs = CrlEncoder.EncodeTbs(key.SignatureAlgorithmIdentifier.Span, issuerName, thisUpdate, nextUpdate, entries, number, authorityKeyId);
        return ExtensionEncoder.AssembleSigned(tbs, key.SignatureAlgorithmIdentifier.Span, key.Sign(tbs));
    }

    private sealed class CaCrlState
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public long Requested;
        public long Published;
        public PublishedCrl? Latest;
    }
}
