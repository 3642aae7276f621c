using Castellan.Auditing;

namespace Castellan.Authority.Tests.Auditing;

/// <summary>The audit hash chain shows a changed, inserted or deleted entry and says which.</summary>
public class AuditChainTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static List<AuditEntry> Chain(int count)
    {
        var list = new List<AuditEntry>();
        var previous = AuditChain.Genesis;
        for (var i = 1; i <= count; i++)
        {
            var e = Entry(i, Start.AddSeconds(i), $"apikey:k{i % 3}", i % 2 == 0 ? "certificate.issued" : "certificate.revoked", $"certificate:{i:x8}", $"{{\"n\":{i}}}", previous);
            list.Add(e);
            previous = e.Hash;
        }
        return list;
    }

    private static AuditEntry Entry(long seq, DateTimeOffset at, string actor, string action, string target, string details, string previous, string? source = null) =>
        new(seq, at, actor, action, target, details, source, previous, AuditChain.ComputeHash(seq, at, actor, action, target, details, source, previous));

    private static Task<AuditBreak?> VerifyAsync(IEnumerable<AuditEntry> entries) => AuditChain.VerifyAsync(entries.ToAsyncEnumerable(), CancellationToken.None);

    [Fact]
    public async Task Intact_chain_verifies()
    {
        Assert.Null(await VerifyAsync(Chain(10)));
        Assert.Null(await VerifyAsync([]));
    }

    [Fact]
    public async Task Changed_entry_is_reported_at_its_sequence()
    {
        var chain = Chain(10);
        chain[4] = chain[4] with { DetailsJson = "{\"n\":999}" };

        var broken = await VerifyAsync(chain);

        Assert.NotNull(broken);
        Assert.Equal(5, broken.Sequence);
        Assert.Equal(4, broken.VerifiedBefore);
        Assert.Contains("changed", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_and_rehashed_entry_breaks_the_link_to_the_next()
    {
        var chain = Chain(10);
        var e = chain[4];
        chain[4] = Entry(e.Sequence, e.At, "apikey:attacker", e.Action, e.Target, e.DetailsJson, e.PreviousHash);

        var broken = await VerifyAsync(chain);

        Assert.Equal(6, broken?.Sequence);
        Assert.Contains("does not chain to entry 5", broken!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inserted_entry_is_reported()
    {
        var chain = Chain(10);
        var forged = Entry(5, chain[4].At, "apikey:attacker", "certificate.issued", "certificate:forged", "{}", chain[3].Hash);
        chain.Insert(4, forged);

        var broken = await VerifyAsync(chain);

        // The forged entry chains correctly, but the genuine entry 5 now follows it with a repeated number.
        Assert.NotNull(broken);
        Assert.Equal(5, broken.Sequence);
        Assert.Contains("entry 6 is missing", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inserted_and_renumbered_entry_is_reported()
    {
        var chain = Chain(10);
        var forged = Entry(5, chain[4].At, "apikey:attacker", "certificate.issued", "certificate:forged", "{}", chain[3].Hash);
        var renumbered = chain.Take(4).Append(forged).Concat(chain.Skip(4).Select(e => e with { Sequence = e.Sequence + 1 })).ToList();

        var broken = await VerifyAsync(renumbered);

        Assert.Equal(6, broken?.Sequence);
        Assert.Contains("does not chain", broken!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_entry_is_reported_as_missing()
    {
        var chain = Chain(10);
        chain.RemoveAt(6);

        var broken = await VerifyAsync(chain);

        Assert.Equal(8, broken?.Sequence);
        Assert.Equal("entry 7 is missing (found 8 next)", broken!.Reason);
        Assert.Equal(6, broken.VerifiedBefore);
    }

    [Fact]
    public async Task Deleted_first_entry_is_reported()
    {
        var broken = await VerifyAsync(Chain(5).Skip(1));
        Assert.Equal("entry 1 is missing (found 2 next)", broken?.Reason);
    }

    [Theory]
    [InlineData("at")]
    [InlineData("actor")]
    [InlineData("action")]
    [InlineData("target")]
    [InlineData("details")]
    [InlineData("source")]
    [InlineData("previous")]
    public void Hash_covers_every_field(string field)
    {
        var original = AuditChain.ComputeHash(3, Start, "a", "b", "c", "{}", null, AuditChain.Genesis);
        var changed = field switch
        {
            "at" => AuditChain.ComputeHash(3, Start.AddMilliseconds(1), "a", "b", "c", "{}", null, AuditChain.Genesis),
            "actor" => AuditChain.ComputeHash(3, Start, "A", "b", "c", "{}", null, AuditChain.Genesis),
            "action" => AuditChain.ComputeHash(3, Start, "a", "B", "c", "{}", null, AuditChain.Genesis),
            "target" => AuditChain.ComputeHash(3, Start, "a", "b", "C", "{}", null, AuditChain.Genesis),
            "details" => AuditChain.ComputeHash(3, Start, "a", "b", "c", "{ }", null, AuditChain.Genesis),
            "source" => AuditChain.ComputeHash(3, Start, "a", "b", "c", "{}", "192.0.2.1", AuditChain.Genesis),
            _ => AuditChain.ComputeHash(3, Start, "a", "b", "c", "{}", null, new string('1', 64)),
        };
        Assert.NotEqual(original, changed);
        Assert.Matches("^[0-9a-f]{64}$", original);
    }

    [Fact]
    public void Moving_text_between_fields_changes_the_hash()
    {
        // Length-prefixed fields: "ab"+"c" and "a"+"bc" must not collide.
        Assert.NotEqual(
            AuditChain.ComputeHash(1, Start, "ab", "c", "t", "{}", null, AuditChain.Genesis),
            AuditChain.ComputeHash(1, Start, "a", "bc", "t", "{}", null, AuditChain.Genesis));
    }
}
