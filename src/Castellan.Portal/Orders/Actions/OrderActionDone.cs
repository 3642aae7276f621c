using Castellan.Registration.Contracts;

namespace Castellan.Portal.Orders.Actions;

/// <summary>What an action dialog tells the order page: the message to show and, for a reissue or renewal, the new order.</summary>
public sealed record OrderActionDone(string Message, Order? NewOrder = null);

/// <summary>
/// Puts a refusal next to the field it is about. The RA's messages name the input they refuse (the CSR, a reason,
/// the remarks, a name); anything else is shown above the dialog's buttons.
/// </summary>
internal static class ActionErrors
{
    public static string? FieldOf(CastellanError error, params (string Field, string[] Words)[] fields)
    {
        if (error is not (MalformedInput or PolicyViolation)) return null;
        foreach (var (field, words) in fields)
            if (words.Any(w => error.Detail.Contains(w, StringComparison.OrdinalIgnoreCase))) return field;
        return null;
    }
}
