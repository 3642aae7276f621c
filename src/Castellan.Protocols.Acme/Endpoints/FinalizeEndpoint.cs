using System.Text.Json;
using Castellan.Protocols.Acme.Challenges;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Jws;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Problems;
using Castellan.Registration.Contracts;
using Castellan.Validation.Contracts;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>
/// RFC 8555 §7.4 finalize (docs/flows/acme.md "Finalize"). Checks come before any state change: a refused CSR, a
/// CAA refusal or a rate limit leaves the order ready. Issuance is synchronous: the response already says valid,
/// which saves the client a poll.
/// </summary>
internal static class FinalizeEndpoint
{
    public static async Task<IResult> HandleAsync(string id, HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var account = read.Value.Account!;
        var ct = http.RequestAborted;

        // 1. The order is this account's and ready.
        var order = await s.Store.GetOrderAsync(id, ct);
        if (order is null || order.AccountId != account.Id || order.Directory != dir.Name) return AcmeProblems.Result(new AcmeNotFound("no such order"));
        var status = AcmeResponses.EffectiveStatus(order, s.Now);
        if (status != AcmeStatus.Ready) return AcmeProblems.Result(new OrderNotReady($"the order is {status}, not ready"));

        // 2. The CSR names exactly the order's identifiers (RFC 8555 §7.4: no more, no fewer).
        if (read.Value.PostAsGet || !read.Value.Payload.TryGetProperty("csr", out var csrElement) || csrElement.ValueKind != JsonValueKind.String
            || !Base64Url.TryDecode(csrElement.GetString(), out var der) || der.Length == 0)
            return AcmeProblems.Result(new BadCsr("'csr' must be a base64url DER PKCS#10 request"));
        var csr = AcmeIdentifiers.FromCsr(der);
        if (csr.IsError) return AcmeProblems.Result(csr.Error);
        var wanted = order.Identifiers.ToHashSet();
        if (!csr.Value.Names.SetEquals(wanted))
            return AcmeProblems.Result(new BadCsr($"the CSR names {Names(csr.Value.Names)}; the order is for {Names(wanted)}"));

        // 3. CAA (RFC 8659) for every DNS name, just before issuance (BR 3.2.2.8).
        //    RFC 8657: the account URL and the challenge each name was validated by, for accounturi/validationmethods.
        var accountUri = s.Urls.Account(dir.Name, account.Id);
        var requesters = new Dictionary<string, CaaRequester>(StringComparer.OrdinalIgnoreCase);
        var dnsNames = order.Identifiers.Where(i => i.Type == IdentifierType.Dns).ToList();
        AcmeAuthorization?[] authzs = dnsNames.Count == 0 ? [] : await Task.WhenAll(order.AuthorizationIds.Select(a => s.Store.GetAuthorizationAsync(a, ct)));
        foreach (var name in dnsNames)
        {
            // The method that proved control: the attempted challenge, or the reused validation's (which may be an RA method).
            var authz = authzs.FirstOrDefault(a => a is not null && a.Identifier == name);
            var method = authz?.ValidatedBy ?? (authz?.AttemptedChallenge is { } type ? ChallengeRunner.Method(type) : null);
            var requester = requesters[name.Value] = new CaaRequester(accountUri, method);
            var caa = await s.Va.CheckCaaAsync(name, requester, ct);
            if (caa.IsError) return AcmeProblems.Result(caa.Error is ValidationFailed { Kind: ValidationFailureKind.Dns } lookup ? new CaaUnverifiable(name, lookup.Detail) : caa.Error);
            if (!caa.Value.Permitted) return AcmeProblems.Result(new CaaForbids(name, $"CAA records for {caa.Value.RelevantDomain ?? name.Value} forbid issuance"));
        }

        // 4. Certificates per registered domain.
        if (s.Limits.Certificate(order.Identifiers.Where(i => i.Type == IdentifierType.Dns).Select(i => i.Value)) is { } limited) return AcmeProblems.Result(limited);

        // 5. Claim the order: of two racing finalizes one issues, the other is told the order is not ready.
        if (!await s.Store.TransitionOrderAsync(id, AcmeStatus.Ready, AcmeStatus.Processing, ct))
            return AcmeProblems.Result(new OrderNotReady("the order is already being finalized"));

        // 6. Through the RA: an EAB-bound account's order is an RA order (priced, paid, audited); otherwise the
        //    directory profile's product is issued directly (docs/flows/acme.md "Accounts without EAB").
        var dirProfile = dir.Profile(order.Profile) ?? dir.DefaultProfile;
        var validity = order.NotAfter is { } na ? Math.Max(1, (int)Math.Ceiling((na - s.Now).TotalDays)) : dirProfile.ValidityDays;
        var binding = account.RaAccountId is { } ra ? new ProtocolBinding(ra, account.RaGroupId, "acme:" + account.Id) : null;
        var issued = await s.Enrollment.EnrollAsync(new ProtocolEnrollmentRequest(
            account.ProductId ?? dirProfile.ProductId, csr.Value.Pem, order.Identifiers.Select(AcmeIdentifiers.San).ToList(), validity,
            "acme:" + order.Id, "acme:" + account.Id, http.Connection.RemoteIpAddress?.ToString(), binding) { CaaRequesters = requesters }, CancellationToken.None);

        // 7. Record the outcome: valid with the chain, or invalid with the problem.
        var now = s.Now;
        if (issued.IsError)
        {
            var error = issued.Error is MalformedInput m ? new BadCsr(m.Detail) : issued.Error;
            var problem = AcmeProblems.ToJson(error);
            await s.Store.FinishOrderAsync(new OrderOutcome(id, now, null, null, null, null, JsonSerializer.Serialize(problem)), CancellationToken.None);
            return AcmeProblems.Result(error);
        }
        var c = issued.Value;
        await s.Store.FinishOrderAsync(new OrderOutcome(id, now, c.Serial, c.ChainPem, c.CaId, c.OrderId, null), CancellationToken.None);
        var done = order with { Status = AcmeStatus.Valid, CertificateSerial = c.Serial, CertificateChain = c.ChainPem, CaId = c.CaId, RaOrderId = c.OrderId };
        return AcmeResponses.Object(AcmeResponses.Order(s.Urls, done, now), 200, s.Urls.Order(dir.Name, id));
    }

    private static string Names(IEnumerable<Identifier> ids) => string.Join(", ", ids.Select(i => i.Value).Order(StringComparer.Ordinal));
}
