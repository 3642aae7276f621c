using Castellan.Registration.Contracts;

namespace Castellan.Registration.SignIn;

/// <summary>
/// Whether a login must present a second factor after its password. The hook for Registration/SecondFactor (TOTP):
/// register an implementation before <c>AddRegistration()</c>, or replace this one, and <see cref="PasswordSignIn"/>
/// reports <see cref="PasswordSignInResult.SecondFactorRequired"/> instead of a finished sign-in.
/// </summary>
public interface ISecondFactorGate
{
    ValueTask<bool> IsRequiredAsync(User user, CancellationToken ct);
}

/// <summary>No second factor ever (a host without TOTP, or tests); the RA registers <see cref="SecondFactor.TotpSecondFactorGate"/>.</summary>
public sealed class NoSecondFactor : ISecondFactorGate
{
    public ValueTask<bool> IsRequiredAsync(User user, CancellationToken ct) => ValueTask.FromResult(false);
}
