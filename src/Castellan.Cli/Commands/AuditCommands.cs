using System.CommandLine;
using System.Runtime.CompilerServices;
using Castellan.Auditing;
using Castellan.Cli.Hosting;

namespace Castellan.Cli.Commands;

/// <summary><c>castellan audit verify</c>: walks the hash chain of the audit log (<see cref="AuditChain.VerifyAsync"/>).</summary>
internal static class AuditCommands
{
    public static Command Create(Option<string?> data)
    {
        var verify = new Command("verify", "Check that no audit entry was changed, removed or inserted; exit 1 at the first break");
        verify.SetAction(async (parse, ct) =>
        {
            await using var authority = await LocalAuthority.OpenAsync(parse.GetValue(data), requireHierarchy: false, ct);
            var counter = new Counter();
            var broken = await AuditChain.VerifyAsync(Count(authority.Get<IAuditLog>().ReadAllAsync(ct), counter, ct), ct);
            if (broken is not null)
                return Exit.Failure($"audit log broken at entry {broken.Sequence}: {broken.Reason} ({broken.VerifiedBefore} entries before it verified)");
            Console.WriteLine($"audit log intact: {counter.Value} entries");
            return Exit.Ok;
        });
        return new Command("audit", "The tamper-evident audit log") { verify };
    }

    private sealed class Counter
    {
        public long Value;
    }

    private static async IAsyncEnumerable<AuditEntry> Count(IAsyncEnumerable<AuditEntry> entries, Counter counter, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in entries.WithCancellation(ct))
        {
            counter.Value++;
            yield return e;
        }
    }
}
