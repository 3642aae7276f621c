using Castellan;

namespace Castellan.Portal.SignIn;

/// <summary>The RA's refusals of a code, worded for the person typing it.</summary>
internal static class SecondFactorText
{
    public static string Of(CastellanError error) => error switch
    {
        PolicyViolation { Rule: "locked" } => "Too many failed attempts. Try again later.",
        PolicyViolation { Rule: "totp-code-wrong" } => "That code is not correct. Check the app's clock and try again.",
        _ => error.Detail,
    };
}
