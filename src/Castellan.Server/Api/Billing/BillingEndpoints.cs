using Castellan.Billing.Contracts;
using Castellan.Billing.Credits;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Billing;

/// <summary>
/// The operator's billing endpoints. Every /api/v1 route already requires an operator administrator's key
/// (<see cref="ApiKeyAuthentication"/>), which is who approves offline payments until the RA's finance-officer role exists.
/// </summary>
internal static class BillingEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/billing").WithTags("Billing");
        g.MapGet("/accounts/{id}/balance", GetBalanceAsync).WithSummary("An account's balance in minor currency units");
        g.MapPost("/accounts/{id}/credits", CreditAsync)
            .WithSummary("Credit an approved offline payment to an account; send an Idempotency-Key header so a retry posts once");
    }

    private static async Task<IResult> GetBalanceAsync(string id, ILedgerStore ledger, CancellationToken ct)
    {
        var balance = await ledger.FindBalanceAsync(LedgerAccount.AccountCode(id), ct);
        return balance is { } b
            ? Results.Ok(new BalanceView(id, b.Minor, b.Currency))
            : ProblemResults.From(new NotFound("account balance", $"account {id} has never been credited"));
    }

    private static async Task<IResult> CreditAsync(string id, CreditBody? body, HttpContext http, CreditAccount credits, CancellationToken ct)
    {
        if (body is null) return ProblemResults.BadRequest("a JSON body is required");
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrWhiteSpace(key)) return ProblemResults.BadRequest("an 'Idempotency-Key' header is required");
        if (!Money.IsCurrencyCode(body.Currency)) return ProblemResults.BadRequest("'currency' must be an ISO 4217 code such as USD");
        var request = new CreditAccountRequest(id, new Money(body.AmountMinor, body.Currency!), body.PaymentReference ?? "", http.Caller().Actor, key, body.Memo);
        var posted = await credits.CreditAsync(request, ct);
        if (posted.IsError) return ProblemResults.From(posted.Error);
        var view = JournalView.From(posted.Value.Journal);
        return posted.Value.Replayed ? Results.Ok(view) : Results.Created($"/api/v1/billing/accounts/{id}/balance", view);
    }
}

internal sealed record CreditBody(long AmountMinor, string? Currency, string? PaymentReference, string? Memo);

internal sealed record BalanceView(string AccountId, long AmountMinor, string Currency);

internal sealed record JournalView(string Id, string Kind, string AccountId, string? GroupId, long AmountMinor, string Currency, DateTimeOffset At,
    string Actor, string Reference, IReadOnlyList<PostedLine> Postings)
{
    public static JournalView From(Journal j) =>
        new(j.Id, j.Kind.ToString(), j.AccountId, j.GroupId, j.Amount.Minor, j.Currency, j.At, j.Actor, j.Reference, j.Lines);
}
