using System.Security.Cryptography;
using System.Text;

namespace Castellan.Auditing;

/// <summary>One event for the append-only audit log; who did what to which object, and the details as JSON.</summary>
public sealed record AuditEvent(string Actor, string Action, string Target, string DetailsJson, string? SourceAddress = null);

/// <summary>An audit event as stored: numbered, timed and chained to its predecessor by hash.</summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Target,
    string DetailsJson,
    string? SourceAddress,
    string PreviousHash,
    string Hash);

/// <summary>
/// The hash chain over the audit log. Each entry's hash covers its own fields and the previous entry's hash,
/// so changing, inserting or deleting any entry breaks every hash after it.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeHash(long sequence, DateTimeOffset at, string actor, string action, string target,
        string detailsJson, string? sourceAddress, string previousHash)
    {
        // Length-prefixed fields, so no two different entries can serialise to the same bytes.
        var sb = new StringBuilder(256);
        Append(sb, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(sb, at.ToUniversalTime().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(sb, actor);
        Append(sb, action);
        Append(sb, target);
        Append(sb, detailsJson);
        Append(sb, sourceAddress ?? "");
        Append(sb, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static void Append(StringBuilder sb, string field) => sb.Append(field.Length).Append(':').Append(field).Append(';');

    /// <summary>Walks the log in sequence order and reports the first break, or null when the chain is whole.</summary>
    public static async Task<AuditBreak?> VerifyAsync(IAsyncEnumerable<AuditEntry> entries, CancellationToken ct)
    {
        var previousHash = Genesis;
        long expectedSequence = 1;
        long count = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            if (e.Sequence != expectedSequence)
                return new AuditBreak(e.Sequence, $"entry {expectedSequence} is missing (found {e.Sequence} next)", count);
            if (e.PreviousHash != previousHash)
                return new AuditBreak(e.Sequence, $"entry {e.Sequence} does not chain to entry {e.Sequence - 1}", count);
            var hash = ComputeHash(e.Sequence, e.At, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, e.PreviousHash);
            if (hash != e.Hash)
                return new AuditBreak(e.Sequence, $"entry {e.Sequence} was changed after it was written", count);
            previousHash = e.Hash;
            expectedSequence++;
            count++;
        }
        return null;
    }
}

public sealed record AuditBreak(long Sequence, string Reason, long VerifiedBefore);

/// <summary>The append-only audit log. Implementations serialise appends so the chain has no forks, across processes too.</summary>
public interface IAuditLog
{
    Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken ct);

    IAsyncEnumerable<AuditEntry> ReadAllAsync(CancellationToken ct);

    Task<IReadOnlyList<AuditEntry>> SearchAsync(string? action, string? target, int skip, int take, CancellationToken ct);
}
