using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;

namespace Castellan.Registration.SignIn;

public sealed record PasswordSignInRequest(string? Email, string? Password);

/// <summary>One account the signed-in login may act in, with its role there.</summary>
public sealed record AccountChoice(Account Account, string RoleId, string RoleName);

/// <summary>
/// A verified password. <see cref="SecondFactorRequired"/> means the password was right but the login is not signed
/// in yet: the front end must collect the second factor (Registration/SecondFactor) before it issues a session.
/// <see cref="Accounts"/> are the active memberships, at least one; with several the person picks one.
/// </summary>
public sealed record PasswordSignInResult(User User, IReadOnlyList<AccountChoice> Accounts, bool SecondFactorRequired);

/// <summary>
/// Every refused sign-in reads the same (unknown email, wrong password, locked, inactive, no usable account), so the
/// form cannot be used to learn which emails are registered. The audit log records the real reason.
/// </summary>
public sealed record SignInRefused() : CastellanError("the email or password is not correct");

/// <summary>
/// Password sign-in for the portal (and any other front end that signs people in with a password): verifies with
/// <see cref="PasswordHasher"/>, applies <see cref="Lockout"/>, audits success and failure. An unknown email costs the
/// same PBKDF2 work as a known one, so response time does not reveal registration either.
/// </summary>
public sealed class PasswordSignIn(IUserStore users, IAccountStore accounts, RoleCatalog roles, ISecondFactorGate secondFactor, IAuditLog audit, TimeProvider clock)
{
    // A hash of a random password nobody knows: verifying against it takes as long as a real check and always fails.
    private static readonly string DecoyHash = PasswordHasher.Hash(Ids.Secret());

    public async Task<Result<PasswordSignInResult>> SignInAsync(PasswordSignInRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var email = Fields.Email(r.Email);
        var password = r.Password ?? "";
        if (email.IsError || password.Length is 0 or > PasswordHasher.MaxLength)
        {
            PasswordHasher.Verify(password, DecoyHash);
            return new SignInRefused();
        }
        var user = await users.FindByEmailAsync(email.Value, ct);
        if (user is null)
        {
            PasswordHasher.Verify(password, DecoyHash);
            await AuditAsync("user:unknown", "user.sign-in-failed", "user:unknown", new { email = email.Value, reason = "unknown-email" }, origin, ct);
            return new SignInRefused();
        }

        var (outcome, updated) = Users.PasswordSignIn.Check(user, password, clock.GetUtcNow());
        if (outcome is SignInOutcome.NotActive or SignInOutcome.Locked) PasswordHasher.Verify(password, DecoyHash);
        if (updated != user) await users.UpdateAsync(updated, ct);
        if (outcome != SignInOutcome.SignedIn)
        {
            await AuditAsync($"user:{user.Id}", "user.sign-in-failed", $"user:{user.Id}",
                new { user = user.Id, reason = Reason(outcome), failures = updated.FailedSignIns, lockedUntil = updated.LockedUntil }, origin, ct);
            return new SignInRefused();
        }

        var choices = await AccountsOfAsync(user.Id, ct);
        if (choices.Count == 0)
        {
            await AuditAsync($"user:{user.Id}", "user.sign-in-failed", $"user:{user.Id}", new { user = user.Id, reason = "no-active-account" }, origin, ct);
            return new SignInRefused();
        }
        var needsSecond = await secondFactor.IsRequiredAsync(updated, ct);
        await AuditAsync($"user:{user.Id}", needsSecond ? "user.password-verified" : "user.signed-in", $"user:{user.Id}",
            new { user = user.Id, method = "password", secondFactorRequired = needsSecond, accounts = choices.Count }, origin, ct);
        return new PasswordSignInResult(updated, choices, needsSecond);
    }

    /// <summary>The active accounts where the login holds an active membership with a role that still exists.</summary>
    public async Task<IReadOnlyList<AccountChoice>> AccountsOfAsync(string userId, CancellationToken ct)
    {
        var list = new List<AccountChoice>();
        foreach (var m in await users.ListMembershipsAsync(userId, ct))
        {
            if (m.Status != MembershipStatus.Active) continue;
            var account = await accounts.GetAsync(m.AccountId, ct);
            if (account is not { Status: AccountStatus.Active }) continue;
            var role = await roles.FindAsync(account, m.RoleId, ct);
            if (role is not null) list.Add(new AccountChoice(account, role.Id, role.Name));
        }
        return list.OrderBy(c => c.Account.IsOperator ? 0 : 1).ThenBy(c => c.Account.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string Reason(SignInOutcome outcome) => outcome switch
    {
        SignInOutcome.WrongPassword => "wrong-password",
        SignInOutcome.Locked => "locked",
        SignInOutcome.NotActive => "not-active",
        _ => outcome.ToString(),
    };

    private Task AuditAsync(string actor, string action, string target, object details, RequestOrigin origin, CancellationToken ct) =>
        audit.AppendAsync(new AuditEvent(actor, action, target, JsonSerializer.Serialize(details), origin.Address), ct);
}
