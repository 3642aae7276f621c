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

/// <summary>The default until a second factor is enrolled anywhere: none is required.</summary>
public sealed class NoSecondFactor : ISecondFactorGate
{
    public ValueTask<bool> IsRequiredAsync(User user, CancellationToken ct) => ValueTask.FromResult(false);
}
