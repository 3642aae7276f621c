using Castellan.Billing.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Validation.Contracts;

namespace Castellan.Server.Api.Problems;

/// <summary>
/// The one place where Castellan errors become RFC 9457 problem details on the REST API. Details are written for
/// the caller; nothing internal (stack traces, SQL, key handles) is ever put in them.
/// </summary>
internal static class ProblemResults
{
    public const string ContentType = "application/problem+json";

    public static IResult From(CastellanError error) => error switch
    {
        MalformedInput e => Problem(400, "malformed-input", "The request is malformed", e.Detail, errors: FieldOf(e)),
        NotFound e => Problem(404, "not-found", $"The {e.What} was not found", e.Detail, errors: FieldOf(e)),
        PolicyViolation e => Problem(422, "policy-violation", "The request violates a policy", e.Detail, e.Rule, FieldOf(e)),
        LintFailure e => Problem(422, "lint-failure", "The certificate failed a lint rule and was not signed", e.Detail, e.Rule),
        Conflict e => Problem(409, "conflict", "The request conflicts with the current state", e.Detail, errors: FieldOf(e)),
        Forbidden e => Problem(403, "forbidden", "Not allowed", e.Detail),
        // RFC 9110 15.5.3 reserves 402; a debit the balance or the spend limit cannot cover is exactly that, whether an
        // order or another billing call asked for it, so both answer 402 with the same problem types.
        InsufficientCredit e => Problem(402, "insufficient-credit", "The balance is too low", e.Detail),
        SpendLimitExceeded e => Problem(402, "spend-limit-exceeded", "The group's spend limit would be exceeded", e.Detail),
        Castellan.Registration.Organizations.OrganizationInvalid e => Problem(400, "organization-invalid", "The organisation is invalid", e.Detail, errors: e.Errors),
        CustomFieldsInvalid e => Problem(422, "custom-fields-invalid", "Custom fields are invalid", e.Detail, errors: e.Errors),
        IdempotencyKeyReused e => Problem(422, "idempotency-key-reused", "The idempotency key was used for another request", e.Detail),
        AlreadyRefunded e => Problem(409, "already-refunded", "The order was already refunded", e.Detail),
        CurrencyMismatch e => Problem(422, "currency-mismatch", "The amount is in another currency than the balance", e.Detail),
        // The same 402s for an order that cannot be paid; nothing was kept.
        OrderPaymentRefused { Cause: InsufficientCredit } e => Problem(402, "insufficient-credit", "The order cannot be paid: the balance is too low", e.Detail),
        OrderPaymentRefused { Cause: SpendLimitExceeded } e => Problem(402, "spend-limit-exceeded", "The order cannot be paid: the group's spend limit would be exceeded", e.Detail),
        OrderPaymentRefused e => Problem(422, "payment-refused", "The order cannot be paid", e.Detail),
        // Domain control: what was looked for and what was found is safe to tell the applicant (RFC 8555 §6.7 kinds).
        ValidationFailed e => Problem(422, "validation-failed", "Domain control could not be validated", e.Detail, "dcv." + e.Kind.ToString().ToLowerInvariant()),
        CaaForbids e => Problem(403, "caa", "A CAA record forbids issuance by this CA", e.Detail),
        ChecklistIncomplete e => Problem(422, "checklist-incomplete", "The approval checklist is not complete", e.Detail, "order.approval-checklist",
            [new FieldError(ChecklistIncomplete.FieldName, e.Detail)]),
        DomainControlPending e => Problem(409, "dcv-pending", "Domain control is not validated yet", e.Detail, "order.domain-validation"),
        DomainRestricted e => Problem(422, "domain-restricted", "A domain in the request is restricted", e.Detail, "domain.restricted"),
        OrderKeyReused e => Problem(409, "idempotency-key-reused", "The idempotency key was used for another order", e.Detail),
        // KYC uploads: too large is 413 (RFC 9110 15.5.14), a type we refuse or that contradicts its claim 415 (15.5.16).
        Castellan.Registration.Orders.Documents.DocumentTooLarge e => Problem(413, "document-too-large", "The document is too large", e.Detail),
        Castellan.Registration.Orders.Documents.UnsupportedDocumentType e => Problem(415, "unsupported-document-type", "The document type is not accepted", e.Detail),
        // Download delegation: a wrong PIN tells nothing about which of email or PIN was wrong; a locked one is 423 (RFC 4918 11.3).
        DelegationRefused e => Problem(403, "pin-refused", "The email or PIN is wrong", e.Detail),
        DelegationLocked e => Problem(423, "delegation-locked", "The download delegation is locked", e.Detail),
        // Seed 001 links: an unknown link says nothing more; a used or expired one is gone for good (RFC 9110 15.5.11).
        EnrolmentLinkUnusable { State: LinkState.Used } e => Problem(410, "link-used", "The link was already used", e.Detail),
        EnrolmentLinkUnusable { State: LinkState.Expired } e => Problem(410, "link-expired", "The link has expired", e.Detail),
        EnrolmentLinkUnusable e => Problem(404, "not-found", "The link was not found", e.Detail),
        EnrolmentFormInvalid e => Problem(422, "enrolment-form-invalid", "The enrolment form is invalid", e.Detail, errors: e.Errors),
        CsvTooLarge e => Problem(413, "too-large", "The CSV is too large", e.Detail),
        // Seed 002: a wrong number or code says nothing about which; a locked sign-in is 423 (RFC 4918 11.3); a step in the wrong stage 409.
        AccessCodeRefused e => Problem(401, "access-code-refused", "The registration number or access code is wrong", e.Detail),
        AccessCodeLocked e => Problem(423, "access-code-locked", "The sign-in is locked", e.Detail),
        RegistrationFormInvalid e => Problem(422, "registration-form-invalid", "The form is invalid", e.Detail, errors: e.Errors),
        WrongRegistrationStage e => Problem(409, "wrong-stage", "The application is not at the stage for this action", e.Detail, "registration.stage"),
        // Seed 000 identity proofing: field errors by field; a real-time refusal lists every criterion, failed or not.
        ApplicationInvalid e => Problem(422, "application-invalid", "The application is invalid", e.Detail, errors: e.Errors),
        ProofingPolicyInvalid e => Problem(422, "policy-invalid", "The identity-proofing policy is invalid", e.Detail, errors: e.Errors),
        ApplicationRefused e => Results.Problem(detail: e.Detail, statusCode: 422, title: "The application was rejected", type: "urn:castellan:problem:application-rejected",
            extensions: new Dictionary<string, object?>
            {
                ["applicationId"] = e.ApplicationId,
                ["criteria"] = e.Criteria.Select(c => new { code = c.Code, passed = c.Passed, detail = c.Detail }).ToList(),
            }),
        // RFC 6585 4 and RFC 9110 10.2.3: too many resends answers 429 with Retry-After in whole seconds.
        SendLimitReached e => new WithRetryAfter(Problem(429, "rate-limited", "Too many requests", e.Detail), e.RetryAfter),
        Castellan.Registration.Access.AddressNotAllowed e => Problem(403, "address-not-allowed", "Not allowed from this address", e.Detail),
        _ => Problem(500, "internal", "Internal error", "The server could not complete the request."),
    };

    /// <summary>The request member an error is about, as the one-entry "errors" list forms read (<see cref="CastellanError.Field"/>).</summary>
    private static FieldError[]? FieldOf(CastellanError e) => e.Field is { } field ? [new FieldError(field, e.Detail)] : null;

    public static IResult BadRequest(string detail) => Problem(400, "malformed-input", "The request is malformed", detail);

    public static IResult Problem(int status, string type, string title, string detail, string? rule = null, IReadOnlyList<FieldError>? errors = null)
    {
        var extensions = rule is null && errors is null ? null : new Dictionary<string, object?>();
        if (rule is not null) extensions!["rule"] = rule;
        // Field-level errors, so a form can show each beside its field (RFC 9457 3.2 extension member).
        if (errors is not null) extensions!["errors"] = errors.Select(e => new { field = e.Field, detail = e.Detail }).ToList();
        return Results.Problem(detail: detail, statusCode: status, title: title, type: $"urn:castellan:problem:{type}", extensions: extensions);
    }

    /// <summary>A problem answer that also tells the client when to try again.</summary>
    private sealed class WithRetryAfter(IResult inner, TimeSpan after) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.RetryAfter = ((long)Math.Max(1, Math.Ceiling(after.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(http);
        }
    }
}
