using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Validation.Contracts;

namespace Castellan.Registration.Domains;

/// <summary>What the applicant must do to prove control: publish a value (file or TXT) or return an emailed one.</summary>
public sealed record DomainChallenge(string Method, string? Location, string? Value, IReadOnlyList<string> Recipients, DateTimeOffset? ValueExpiresAt);

/// <summary>
/// Seed 003 "Domains" (docs/flows/domains.md): add a domain with a DCV method, publish or receive the random value,
/// verify through the validation authority, see status and expiry; restricted domains per account. Every change is
/// audited. Tenancy follows <see cref="AccessPolicy"/>: another tenant's domains read as not found.
/// </summary>
public sealed class DomainService(
    IDomainStore domains,
    IAccountStore accounts,
    IValidationAuthority va,
    IEmailValidation email,
    IAuditLog audit,
    TimeProvider clock)
{
    /// <summary>The methods a domain can be validated by, with their API codes (the ACME methods need an ACME account key).</summary>
    public static readonly IReadOnlyDictionary<string, ValidationMethod> Methods = new Dictionary<string, ValidationMethod>(StringComparer.OrdinalIgnoreCase)
    {
        ["http-file"] = ValidationMethod.HttpFile,
        ["dns-txt"] = ValidationMethod.DnsTxt,
        ["email"] = ValidationMethod.ConstructedEmail,
        ["caa-contact-email"] = ValidationMethod.CaaContactEmail,
        ["txt-contact-email"] = ValidationMethod.TxtContactEmail,
    };

    public static string Code(ValidationMethod m) => Methods.First(kv => kv.Value == m).Key;

    public static string Code(DomainStatus s) => s.ToString().ToLowerInvariant();

    /// <summary>Step 1: a new Pending domain with a fresh challenge (an email method sends its value at once).</summary>
    public async Task<Result<Domain>> AddAsync(Caller caller, string? accountId, string? name, string? method, RequestOrigin origin, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.DomainsManage, ct);
        if (account.IsError) return account.Error;
        var normalised = DomainNames.Normalise(name);
        if (normalised.IsError) return normalised.Error with { Field = "name" };
        var m = ParseMethod(method);
        if (m.IsError) return m.Error with { Field = "method" };
        if (await RestrictedAsync(account.Value.Id, [normalised.Value], ct) is { } refused) return refused;

        var now = clock.GetUtcNow();
        var domain = new Domain("dom_" + Guid.NewGuid().ToString("N")[..20], account.Value.Id, normalised.Value, m.Value, DomainStatus.Pending,
            null, null, null, caller.Actor, now, now);
        var prepared = await PrepareAsync(domain, ct);
        if (prepared.IsError) return prepared.Error;
        if (!await domains.AddAsync(prepared.Value, ct)) return new Conflict($"the account already has domain '{normalised.Value}'");
        await AuditAsync(origin, "domain.added", prepared.Value, new { method = Code(m.Value) });
        return prepared.Value;
    }

    public async Task<Result<Domain>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var domain = await domains.GetAsync(id, ct);
        if (domain is null) return NotFound(id);
        var account = await accounts.GetAsync(domain.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null) return NotFound(id);
        return permissions.Contains(Permission.DomainsManage) ? domain : new Forbidden($"this caller lacks the '{Permission.DomainsManage}' permission on domain '{id}'");
    }

    public async Task<Result<Domain[]>> ListAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.DomainsManage, ct);
        if (account.IsError) return account.Error;
        return (await domains.ListAsync(account.Value.Id, ct)).ToArray();
    }

    /// <summary>
    /// Step 3: checks the published value (file, TXT) or the value the applicant returned (email) through the
    /// validation authority. Success makes the domain Verified until the evidence's reuse window ends, and uses the
    /// value up; a CAA record that forbids this CA rejects the domain; any other failure leaves it Pending to retry.
    /// </summary>
    public async Task<Result<Domain>> VerifyAsync(Caller caller, string id, string? submittedValue, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var domain = found.Value;
        if (domain.StatusAt(clock.GetUtcNow()) == DomainStatus.Verified) return domain;
        if (domain.Status == DomainStatus.Rejected) return new Conflict("the domain was rejected; choose a method again to retry");
        var identifier = new Identifier(IdentifierType.Dns, domain.Name);
        ValidationRequest request;
        if (domain.EmailChallengeId is { } challenge)
        {
            if (string.IsNullOrWhiteSpace(submittedValue)) return new MalformedInput("'value' is required: the validation value from the email");
            request = new ValidationRequest(identifier, domain.Method, challenge, submittedValue.Trim(), domain.AccountId);
        }
        else if (domain.Token is { } token && domain.RandomValue is { } value)
        {
            request = new ValidationRequest(identifier, domain.Method, token, value, domain.AccountId);
        }
        else
        {
            return new Conflict("the domain has no open challenge; choose a method again");
        }

        var validated = await va.ValidateAsync(request, ct);
        if (validated.IsError)
        {
            var pending = domain with { StatusReason = validated.Error.Detail, UpdatedAt = clock.GetUtcNow() };
            await domains.UpdateAsync(pending, domain.UpdatedAt, ct);
            await AuditAsync(origin, "domain.verification-failed", pending, new { reason = validated.Error.Detail });
            return validated.Error;
        }

        // RFC 8657 §4: the method just used is what a validationmethods parameter must list.
        var caa = await va.CheckCaaAsync(identifier, new CaaRequester(null, domain.Method), ct);
        var now = clock.GetUtcNow();
        Domain next;
        if (caa.IsError)
        {
            next = domain with { Status = DomainStatus.Rejected, Token = null, RandomValue = null, EmailChallengeId = null, StatusReason = caa.Error.Detail, UpdatedAt = now, EvidenceId = validated.Value.Id };
        }
        else
        {
            next = domain with
            {
                Status = DomainStatus.Verified, Token = null, RandomValue = null, EmailChallengeId = null, StatusReason = null, UpdatedAt = now,
                VerifiedAt = validated.Value.ValidatedAt, ExpiresAt = validated.Value.ReusableUntil, EvidenceId = validated.Value.Id,
            };
        }
        if (!await domains.UpdateAsync(next, domain.UpdatedAt, ct)) return new Conflict("the domain changed meanwhile; read it and retry");
        await AuditAsync(origin, caa.IsError ? "domain.rejected" : "domain.verified", next, new { evidence = validated.Value.Id, method = Code(domain.Method), expires = next.ExpiresAt });
        return caa.IsError ? caa.Error : next;
    }

    /// <summary>Seed 003 "Flexible DCV Method Changes": a new method and a new value; the domain is Pending again.</summary>
    public async Task<Result<Domain>> ChangeMethodAsync(Caller caller, string id, string? method, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var m = ParseMethod(method);
        if (m.IsError) return m.Error with { Field = "method" };
        var domain = found.Value;
        var prepared = await PrepareAsync(domain with { Method = m.Value, Status = DomainStatus.Pending, StatusReason = null, UpdatedAt = clock.GetUtcNow() }, ct);
        if (prepared.IsError) return prepared.Error;
        if (!await domains.UpdateAsync(prepared.Value, domain.UpdatedAt, ct)) return new Conflict("the domain changed meanwhile; read it and retry");
        await AuditAsync(origin, "domain.method-changed", prepared.Value, new { from = Code(domain.Method), to = Code(m.Value) });
        return prepared.Value;
    }

    /// <summary>Sends a new value for a Pending email-method domain (the old one stops working; 24 hours start again).</summary>
    public async Task<Result<Domain>> ResendAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        if (found.Value.EmailChallengeId is not { } challenge) return new Conflict("only a pending email validation can be resent");
        var sent = await email.ResendAsync(challenge, ct);
        if (sent.IsError) return sent.Error;
        await AuditAsync(origin, "domain.email-resent", found.Value, new { recipients = sent.Value.Recipients });
        return found.Value;
    }

    public async Task<Result<Domain>> DeleteAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        if (!await domains.DeleteAsync(id, ct)) return NotFound(id);
        await AuditAsync(origin, "domain.deleted", found.Value, null);
        return found.Value;
    }

    /// <summary>What to publish or where the value went, for the API and portal.</summary>
    public static DomainChallenge? ChallengeOf(Domain d) => d switch
    {
        { Status: not DomainStatus.Pending } => null,
        { Method: ValidationMethod.HttpFile, Token: { } t } => new("http-file", $"http://{d.Name}/.well-known/pki-validation/{t}.txt", d.RandomValue, [], null),
        { Method: ValidationMethod.DnsTxt } => new("dns-txt", $"_validation.{d.Name}", d.RandomValue, [], null),
        _ => new(Code(d.Method), null, null, [], null),
    };

    public async Task<Result<RestrictedDomain[]>> ListRestrictionsAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.DomainsManage, ct);
        if (account.IsError) return account.Error;
        return (await domains.ListRestrictionsAsync(account.Value.Id, ct)).ToArray();
    }

    /// <summary>An account administrator (SettingsManage) restricts a domain and its subdomains from orders.</summary>
    public async Task<Result<RestrictedDomain>> RestrictAsync(Caller caller, string? accountId, string? name, RequestOrigin origin, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.SettingsManage, ct);
        if (account.IsError) return account.Error;
        var normalised = DomainNames.Normalise(name);
        if (normalised.IsError) return normalised.Error with { Field = "name" };
        var restriction = new RestrictedDomain(account.Value.Id, normalised.Value, caller.Actor, clock.GetUtcNow());
        if (!await domains.AddRestrictionAsync(restriction, ct)) return new Conflict($"'{normalised.Value}' is already restricted");
        await audit.AppendAsync(new AuditEvent(origin.Actor, "domain.restricted", $"account:{account.Value.Id}", JsonSerializer.Serialize(new { account = account.Value.Id, name = normalised.Value }), origin.Address), CancellationToken.None);
        return restriction;
    }

    public async Task<Result<string>> UnrestrictAsync(Caller caller, string? accountId, string? name, RequestOrigin origin, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.SettingsManage, ct);
        if (account.IsError) return account.Error;
        var normalised = DomainNames.Normalise(name);
        if (normalised.IsError) return normalised.Error with { Field = "name" };
        if (!await domains.RemoveRestrictionAsync(account.Value.Id, normalised.Value, ct)) return new NotFound("restriction", $"'{normalised.Value}' is not restricted");
        await audit.AppendAsync(new AuditEvent(origin.Actor, "domain.unrestricted", $"account:{account.Value.Id}", JsonSerializer.Serialize(new { account = account.Value.Id, name = normalised.Value }), origin.Address), CancellationToken.None);
        return normalised.Value;
    }

    /// <summary>Seed 003: the order is refused when any of its names is a restricted domain or under one.</summary>
    public Task<DomainRestricted?> RestrictedAsync(string accountId, IReadOnlyCollection<string> names, CancellationToken ct) =>
        DomainRestrictions.CheckAsync(domains, accountId, names, ct);

    /// <summary>Step 2: a fresh single-use value (file and TXT methods) or a sent email; the old challenge is dropped.</summary>
    private async Task<Result<Domain>> PrepareAsync(Domain domain, CancellationToken ct)
    {
        if (domain.Method is ValidationMethod.HttpFile or ValidationMethod.DnsTxt)
            return domain with { Token = RandomValues.New(), RandomValue = RandomValues.New(), EmailChallengeId = null };
        var sent = await email.SendAsync(new Identifier(IdentifierType.Dns, domain.Name), domain.Method, domain.AccountId, ct);
        if (sent.IsError) return sent.Error;
        return domain with { Token = null, RandomValue = null, EmailChallengeId = sent.Value.ChallengeId };
    }

    private static Result<ValidationMethod> ParseMethod(string? method) =>
        method is not null && Methods.TryGetValue(method.Trim(), out var m) ? m
            : new MalformedInput($"unknown method '{method}'; use one of {string.Join(", ", Methods.Keys)}");

    private async Task<Result<Account>> AuthorizeAsync(Caller caller, string? accountId, Permission needed, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? caller.AccountId : accountId.Trim();
        return AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), needed, id);
    }

    private static NotFound NotFound(string id) => new("domain", $"domain '{id}' does not exist");

    private Task AuditAsync(RequestOrigin origin, string action, Domain d, object? extra) =>
        audit.AppendAsync(new AuditEvent(origin.Actor, action, $"domain:{d.Id}", JsonSerializer.Serialize(new
        {
            domain = d.Id, account = d.AccountId, name = d.Name, status = Code(d.Status), details = extra,
        }), origin.Address), CancellationToken.None);
}
