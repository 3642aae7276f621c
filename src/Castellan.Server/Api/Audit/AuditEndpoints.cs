using Castellan.Auditing;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Audit;

internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/audit").WithTags("Audit");
        g.MapGet("", async (string? action, string? target, int? page, int? pageSize, IAuditLog log, CancellationToken ct) =>
        {
            var p = page ?? 1;
            var size = pageSize ?? 50;
            if (p < 1 || size is < 1 or > 500) return ProblemResults.BadRequest("'page' must be positive and 'pageSize' between 1 and 500");
            if ((long)(p - 1) * size > int.MaxValue) return ProblemResults.BadRequest("'page' is beyond any possible result");
            return Results.Ok(await log.SearchAsync(action, target, (p - 1) * size, size, ct));
        }).WithSummary("Audit entries, newest first");
        g.MapGet("/verify", async (IAuditLog log, CancellationToken ct) =>
        {
            var broken = await AuditChain.VerifyAsync(log.ReadAllAsync(ct), ct);
            return Results.Ok(new { intact = broken is null, firstBreak = broken });
        }).WithSummary("Walk the hash chain and report the first changed, inserted or deleted entry");
    }
}
