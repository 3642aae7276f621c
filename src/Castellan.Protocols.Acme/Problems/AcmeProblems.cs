using System.Text.Json;
using Castellan.Protocols.Acme.Messages;
using Castellan.Validation.Contracts;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Problems;

/// <summary>An RFC 8555 §6.7 problem document (RFC 7807/9457) with its HTTP status.</summary>
internal sealed record AcmeProblem(string Type, string Detail, int Status)
{
    public TimeSpan? RetryAfter { get; init; }
    public string? Location { get; init; }
    public IReadOnlyList<string>? Algorithms { get; init; }

    /// <summary>RFC 8555 §6.7.1: per-identifier problems under this one.</summary>
    public IReadOnlyList<Dictionary<string, object>>? Subproblems { get; init; }
}

/// <summary>The only ACME error mapping (STYLE.md §5): every failure an ACME client sees is decided here.</summary>
internal static class AcmeProblems
{
    public const string Prefix = "urn:ietf:params:acme:error:";

    /// <summary>RFC 8555 §6.2: the algorithms we accept, listed in badSignatureAlgorithm problems.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["ES256", "ES384", "RS256", "EdDSA"];

    public static AcmeProblem ToProblem(CastellanError e) => e switch
    {
        BadNonce => new(Prefix + "badNonce", e.Detail, 400),
        BadPublicKey => new(Prefix + "badPublicKey", e.Detail, 400),
        BadSignatureAlgorithm => new(Prefix + "badSignatureAlgorithm", e.Detail, 400) { Algorithms = Algorithms },
        Unauthorized => new(Prefix + "unauthorized", e.Detail, 403),
        Forbidden => new(Prefix + "unauthorized", e.Detail, 403),
        AccountDoesNotExist => new(Prefix + "accountDoesNotExist", e.Detail, 400),
        BadCsr => new(Prefix + "badCSR", e.Detail, 400),
        OrderNotReady => new(Prefix + "orderNotReady", e.Detail, 403),
        RateLimited r => new(Prefix + "rateLimited", e.Detail, 429) { RetryAfter = r.RetryAfter },
        RejectedIdentifier => new(Prefix + "rejectedIdentifier", e.Detail, 400),
        UnsupportedIdentifier => new(Prefix + "unsupportedIdentifier", e.Detail, 400),
        AlreadyRevoked => new(Prefix + "alreadyRevoked", e.Detail, 400),
        BadRevocationReason => new(Prefix + "badRevocationReason", e.Detail, 400),
        ExternalAccountRequired => new(Prefix + "externalAccountRequired", e.Detail, 400),
        InvalidProfile => new(Prefix + "invalidProfile", e.Detail, 400),
        UnsupportedContact => new(Prefix + "unsupportedContact", e.Detail, 400),
        InvalidContact => new(Prefix + "invalidContact", e.Detail, 400),
        AcmeNotFound => new(Prefix + "malformed", e.Detail, 404),
        NotFound => new(Prefix + "malformed", e.Detail, 404),
        KeyInUse k => new(Prefix + "malformed", e.Detail, 409) { Location = k.AccountUrl },
        TooLarge => new(Prefix + "malformed", e.Detail, 413),
        BadContentType => new(Prefix + "malformed", e.Detail, 415),
        MalformedInput => new(Prefix + "malformed", e.Detail, 400),
        CaaForbids => new(Prefix + "caa", e.Detail, 403),
        CaaUnverifiable u => new(Prefix + "caa", e.Detail, 403)
        {
            Subproblems = [new() { ["type"] = Prefix + "dns", ["detail"] = u.LookupDetail, ["identifier"] = new { type = AcmeIdentifiers.TypeName(u.Name), value = u.Name.Value } }],
        },
        ValidationFailed v => new(Prefix + ValidationType(v.Kind), e.Detail, 400),
        // The RA or CA refused the request as given (profile, lint, name constraints, payment): the client cannot
        // fix it by retrying, and RFC 8555 has no closer type for a policy refusal at finalize.
        PolicyViolation or LintFailure => new(Prefix + "rejectedIdentifier", e.Detail, 400),
        Conflict => new(Prefix + "malformed", e.Detail, 409),
        // An EAB-bound account whose RA account cannot pay: the client cannot fix it, the account owner can.
        Castellan.Registration.Contracts.OrderPaymentRefused => new(Prefix + "unauthorized", "the bound account cannot pay for this order: " + e.Detail, 403),
        Castellan.Registration.Contracts.OrderKeyReused => new(Prefix + "malformed", e.Detail, 409),
        _ => new(Prefix + "serverInternal", "the server could not complete the request", 500), // no internals leak
    };

    public static string ValidationType(ValidationFailureKind kind) => kind switch
    {
        ValidationFailureKind.Connection => "connection",
        ValidationFailureKind.Dns => "dns",
        ValidationFailureKind.IncorrectResponse => "incorrectResponse",
        ValidationFailureKind.Tls => "tls",
        _ => "unauthorized",
    };

    /// <summary>The problem as a JSON object, for the "error" member of orders and challenges.</summary>
    public static Dictionary<string, object> ToJson(CastellanError e)
    {
        var p = ToProblem(e);
        var json = new Dictionary<string, object> { ["type"] = p.Type, ["detail"] = p.Detail, ["status"] = p.Status };
        if (p.Subproblems is { } sub) json["subproblems"] = sub;
        return json;
    }

    /// <summary>Writes application/problem+json with a fresh Replay-Nonce (RFC 8555 §6.5: badNonce carries one to retry with).</summary>
    public static IResult Result(CastellanError e) => new ProblemResult(ToProblem(e));

    private sealed class ProblemResult(AcmeProblem p) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = p.Status;
            http.Response.ContentType = "application/problem+json";
            if (p.RetryAfter is { } wait) http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (p.Location is { } location) http.Response.Headers.Location = location;
            var body = new Dictionary<string, object> { ["type"] = p.Type, ["detail"] = p.Detail, ["status"] = p.Status };
            if (p.Algorithms is { } algs) body["algorithms"] = algs;
            if (p.Subproblems is { } sub) body["subproblems"] = sub;
            await http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
        }
    }
}
