using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;
using OtpNet;
using QRCoder;

namespace Castellan.Registration.SecondFactor;

/// <summary>What enrolment shows the user, once: the secret (for typing in), the otpauth URI and a QR code of it.</summary>
public sealed record TotpEnrolment(string Secret, string OtpauthUri, byte[] QrPng);

public sealed record SecondFactorStatus(bool Enrolled, bool Confirmed, int RecoveryCodesLeft, bool Required);

/// <summary>What the portal's sign-in must do after the password was right.</summary>
public enum SecondFactorRequirement
{
    /// <summary>No second factor: sign in.</summary>
    None,

    /// <summary>Ask for a TOTP or recovery code and call <see cref="TotpService.VerifyAsync"/>.</summary>
    Verify,

    /// <summary>The account enforces TOTP and the login has none: no session until it enrols (<see cref="TotpService.EnrolAsync"/>, then confirm).</summary>
    EnrolFirst,
}

/// <summary>
/// TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, what every authenticator app does). Enrolment
/// stores the secret encrypted and shows it once; the first code confirms it and yields 10 single-use recovery
/// codes (stored as SHA-256: they are 50 random bits each, checked under the lockout). Verification accepts the
/// step before and after the current one (clock drift) and never the same or an older step twice, so a code seen
/// over a shoulder or replayed from a log is refused. Wrong codes count towards the password lockout
/// (<see cref="Lockout"/>), so the 10^6 code space cannot be walked.
/// </summary>
public sealed class TotpService(ISecondFactorStore store, IUserStore users, IAccountStore accounts, IAccessRestrictionStore policies, SecretProtector protector,
    RoleCatalog roles, IAuditLog audit, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;
    private const string Issuer = "Castellan";
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    /// <summary>Starts (or restarts, while unconfirmed) enrolment for the caller's own login.</summary>
    public async Task<Result<TotpEnrolment>> EnrolAsync(string userId, CancellationToken ct)
    {
        var user = await users.GetAsync(userId, ct);
        if (user is not { Status: UserStatus.Active }) return new NotFound("user", $"user '{userId}' does not exist");
        if (await store.GetAsync(userId, ct) is { Confirmed: true })
            return new Conflict("a second factor is already set up; disable it (with a current code) or ask an administrator to reset it");
        var secret = KeyGeneration.GenerateRandomKey(20);
        await store.SaveAsync(new Contracts.SecondFactor(userId, protector.Protect(userId, secret), clock.GetUtcNow(), null, 0), ct);
        var uri = new OtpUri(OtpType.Totp, secret, user.Email, Issuer).ToString();
        using var qr = new QRCodeGenerator().CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new TotpEnrolment(Base32Encoding.ToString(secret), uri, new PngByteQRCode(qr).GetGraphic(6));
    }

    /// <summary>The first code proves the authenticator holds the secret; returns the recovery codes, shown this once.</summary>
    public async Task<Result<IReadOnlyList<string>>> ConfirmAsync(string userId, string? code, RequestOrigin origin, CancellationToken ct)
    {
        if (Digits(code) is not { } digits) return new MalformedInput("'code' must be the 6 digits the authenticator shows");
        var factor = await store.GetAsync(userId, ct);
        if (factor is null) return new Conflict("start enrolment first");
        if (factor.Confirmed) return new Conflict("the second factor is already confirmed");
        if (Match(factor, digits) is not { } step) return new PolicyViolation("totp-code-wrong", "the code is not the current one; check the authenticator's clock and try again");
        if (!await store.ConfirmAsync(userId, step, clock.GetUtcNow(), ct)) return new Conflict("the second factor is already confirmed");
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        await store.ReplaceRecoveryCodesAsync(userId, codes.Select(HashCode).ToList(), ct);
        await Audit($"user:{userId}", "second-factor.enrolled", userId, new { user = userId }, origin, ct);
        return codes;
    }

    /// <summary>
    /// The portal's second step: true when <paramref name="code"/> is a current TOTP code not used before, or an unused
    /// recovery code (which is then spent). False for a wrong, replayed or spent code (recorded as a failed sign-in).
    /// Errors: no confirmed factor (Conflict), a locked login (PolicyViolation "locked"), a code of the wrong shape.
    /// </summary>
    public async Task<Result<bool>> VerifyAsync(string userId, string code, CancellationToken ct)
    {
        var user = await users.GetAsync(userId, ct);
        if (user is not { Status: UserStatus.Active }) return new NotFound("user", $"user '{userId}' does not exist");
        var now = clock.GetUtcNow();
        if (Lockout.IsLocked(user, now)) return new PolicyViolation("locked", "too many failed attempts; try again later");
        var factor = await store.GetAsync(userId, ct);
        if (factor is not { Confirmed: true }) return new Conflict("this login has no second factor");
        bool accepted;
        if (Digits(code) is { } digits)
            accepted = Match(factor, digits) is { } step && await store.UseStepAsync(userId, step, ct);
        else if (RecoveryShape(code) is { } recovery)
            accepted = await store.UseRecoveryCodeAsync(userId, HashCode(recovery), now, ct);
        else
            return new MalformedInput("'code' must be 6 digits or a recovery code (xxxxx-xxxxx)");
        var fresh = await users.GetAsync(userId, ct) ?? user;
        await users.UpdateAsync(accepted ? Lockout.RecordSuccess(fresh) : Lockout.RecordFailure(fresh, now), ct);
        return accepted;
    }

    /// <summary>Whether the account enforces TOTP (pure; the portal may also call <see cref="RequirementAsync"/>).</summary>
    public static bool IsRequired(AccountSecurity? policy) => policy?.SecondFactorRequired == true;

    /// <summary>What sign-in to <paramref name="account"/> needs after the password: nothing, a code, or enrolment first.</summary>
    public async Task<SecondFactorRequirement> RequirementAsync(User user, Account account, CancellationToken ct)
    {
        var factor = await store.GetAsync(user.Id, ct);
        if (factor is { Confirmed: true }) return SecondFactorRequirement.Verify;
        return IsRequired(await policies.GetAccountAsync(account.Id, ct)) ? SecondFactorRequirement.EnrolFirst : SecondFactorRequirement.None;
    }

    public async Task<SecondFactorStatus> StatusAsync(string userId, string accountId, CancellationToken ct)
    {
        var factor = await store.GetAsync(userId, ct);
        return new SecondFactorStatus(factor is not null, factor?.Confirmed == true, factor is null ? 0 : await store.RecoveryCodesLeftAsync(userId, ct),
            IsRequired(await policies.GetAccountAsync(accountId, ct)));
    }

    /// <summary>The user turns their own factor off, proving possession with a current or recovery code.</summary>
    public async Task<Result<bool>> DisableAsync(string userId, string? code, RequestOrigin origin, CancellationToken ct)
    {
        var verified = await VerifyAsync(userId, code ?? "", ct);
        if (verified.IsError) return verified.Error;
        if (!verified.Value) return new PolicyViolation("totp-code-wrong", "the code was not accepted");
        await store.DeleteAsync(userId, ct);
        await Audit($"user:{userId}", "second-factor.disabled", userId, new { user = userId, by = "self" }, origin, ct);
        return true;
    }

    /// <summary>An administrator resets a member's factor (lost phone); needs UsersManage and every permission of the member's role. Audited.</summary>
    public async Task<Result<bool>> ResetAsync(Caller caller, string accountId, string userId, RequestOrigin origin, CancellationToken ct)
    {
        var account = await accounts.GetAsync(accountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        var membership = permissions is null ? null : await users.GetMembershipAsync(userId, accountId, ct);
        if (account is null || permissions is null || membership is null) return new NotFound("user", $"user '{userId}' does not exist");
        if (!permissions.Contains(Permission.UsersManage)) return new Forbidden($"this caller lacks the 'UsersManage' permission on account '{accountId}'");
        var role = await roles.FindAsync(account, membership.RoleId, ct);
        if (role is not null && !AccessPolicy.CanGrant(caller, account, role.Permissions))
            return new Forbidden("a member whose role holds permissions this caller lacks can only be changed by someone who holds them");
        if (!await store.DeleteAsync(userId, ct)) return new Conflict("this user has no second factor");
        await Audit(caller.Actor, "second-factor.reset", userId, new { user = userId, account = accountId }, origin, ct);
        return true;
    }

    /// <summary>The step the code belongs to within ±1 step of now, or null.</summary>
    private long? Match(Contracts.SecondFactor factor, string digits)
    {
        var totp = new Totp(protector.Unprotect(factor.UserId, factor.ProtectedSecret));
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var step, Window) ? step : null;
    }

    private static string? Digits(string? code)
    {
        var c = code?.Replace(" ", "", StringComparison.Ordinal).Trim();
        return c is { Length: 6 } && c.All(char.IsAsciiDigit) ? c : null;
    }

    private static string? RecoveryShape(string? code)
    {
        var c = code?.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
        return c is { Length: 10 } && c.All(ch => Alphabet.Contains(ch)) ? c : null;
    }

    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i: read off paper

    private static string NewRecoveryCode()
    {
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}";
    }

    internal static string HashCode(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal))));

    private Task Audit(string actor, string action, string userId, object details, RequestOrigin origin, CancellationToken ct) =>
        audit.AppendAsync(new AuditEvent(actor, action, $"user:{userId}", JsonSerializer.Serialize(details), origin.Address), ct);
}
