using Castellan.Registration.Contracts;
using Castellan.Registration.SignIn;

namespace Castellan.Registration.SecondFactor;

/// <summary>
/// The real <see cref="ISecondFactorGate"/>: after the password, a login with a confirmed TOTP factor must present a
/// code, and a login without one must enrol first when any account it may act in enforces TOTP. Which of the two, for
/// the account the person then picks, is <see cref="TotpService.RequirementAsync"/>; this gate only says whether the
/// password alone may finish the sign-in, so it errs towards asking.
/// </summary>
public sealed class TotpSecondFactorGate(ISecondFactorStore factors, IAccessRestrictionStore policies, IUserStore users, IAccountStore accounts) : ISecondFactorGate
{
    public async ValueTask<bool> IsRequiredAsync(User user, CancellationToken ct)
    {
        if (await factors.GetAsync(user.Id, ct) is { Confirmed: true }) return true;
        foreach (var m in await users.ListMembershipsAsync(user.Id, ct))
        {
            if (m.Status != MembershipStatus.Active || await accounts.GetAsync(m.AccountId, ct) is not { Status: AccountStatus.Active }) continue;
            if (TotpService.IsRequired(await policies.GetAccountAsync(m.AccountId, ct))) return true;
        }
        return false;
    }
}
