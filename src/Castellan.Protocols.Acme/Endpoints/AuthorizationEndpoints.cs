using System.Text.Json;
using Castellan.Protocols.Acme.Challenges;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Problems;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>RFC 8555 §7.5 authorizations and challenges.</summary>
internal static class AuthorizationEndpoints
{
    /// <summary>POST-as-GET, or {"status":"deactivated"} (§7.5.2).</summary>
    public static async Task<IResult> AuthorizationAsync(string id, HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var authz = await s.Store.GetAuthorizationAsync(id, http.RequestAborted);
        if (authz is null || authz.AccountId != read.Value.Account!.Id) return AcmeProblems.Result(new AcmeNotFound("no such authorization"));
        var location = s.Urls.Authorization(dir.Name, id);
        if (!read.Value.PostAsGet && read.Value.Payload.TryGetProperty("status", out var st))
        {
            if (st.ValueKind != JsonValueKind.String || st.GetString() != AcmeStatus.Deactivated)
                return AcmeProblems.Result(new MalformedInput("a client may only set an authorization's status to 'deactivated'"));
            if (!await s.Store.DeactivateAuthorizationAsync(id, authz.OrderId, http.RequestAborted))
                return AcmeProblems.Result(new MalformedInput($"an authorization in status {authz.Status} cannot be deactivated"));
            authz = authz with { Status = AcmeStatus.Deactivated };
        }
        return AcmeResponses.Object(AcmeResponses.Authorization(s.Urls, dir.Name, authz, s.Now), 200, location,
            retryAfter: authz.ProcessingChallenge is not null ? 1 : null);
    }

    /// <summary>§7.5.1: an empty object starts validation; POST-as-GET reads the challenge.</summary>
    public static async Task<IResult> ChallengeAsync(string id, string type, HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var account = read.Value.Account!;
        var authz = await s.Store.GetAuthorizationAsync(id, http.RequestAborted);
        if (authz is null || authz.AccountId != account.Id || !authz.ChallengeTypes.Contains(type)) return AcmeProblems.Result(new AcmeNotFound("no such challenge"));
        var up = s.Urls.Authorization(dir.Name, id);

        // RFC 8555 §7.1.6: an expired authorization (past its expires, whether or not the sweep has written it) cannot be answered.
        if (!read.Value.PostAsGet && AcmeResponses.EffectiveStatus(authz, s.Now) == "expired")
            return AcmeProblems.Result(new MalformedInput("the authorization has expired"));
        if (!read.Value.PostAsGet && authz.Status == AcmeStatus.Pending && authz.ProcessingChallenge is null)
        {
            if (await s.Store.StartChallengeAsync(id, type, http.RequestAborted))
            {
                authz = authz with { ProcessingChallenge = type };
                var validation = s.Challenges.Start(authz, type, read.Value.Key.Thumbprint, AcmeServices.ValidationAccount(account));
                // A validation that ends quickly is answered with its outcome (valid or invalid), sparing the client a poll.
                // The stored outcome is exactly what the authorization now holds, so it is not read back.
                if (await Finished(validation, s.Options.ChallengeAnswerWait, http.RequestAborted))
                {
                    authz = await validation is { } o
                        ? authz with { Status = o.Valid ? AcmeStatus.Valid : AcmeStatus.Invalid, ProcessingChallenge = null, AttemptedChallenge = o.Challenge,
                            ValidatedAt = o.Valid ? o.At : null, Error = o.Error, ValidatedBy = o.Valid ? ChallengeRunner.Method(o.Challenge) : null, EvidenceId = o.EvidenceId }
                        : await s.Store.GetAuthorizationAsync(id, http.RequestAborted) ?? authz;
                }
            }
            else
            {
                authz = await s.Store.GetAuthorizationAsync(id, http.RequestAborted) ?? authz;
            }
        }
        var body = AcmeResponses.Challenge(s.Urls, dir.Name, authz, type);
        return AcmeResponses.Object(body, 200, null, up, retryAfter: (string?)body["status"] == AcmeStatus.Processing ? 1 : null);
    }

    private static async Task<bool> Finished(Task validation, TimeSpan wait, CancellationToken ct)
    {
        if (wait <= TimeSpan.Zero) return validation.IsCompleted;
        try
        {
            await validation.WaitAsync(wait, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
