using System.Text;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Organizations;

/// <summary>
/// Checks an organisation's fields, all at once so a form can show every problem. The lengths are those a certificate
/// subject allows (RFC 5280 upper bounds: 64 for O, L, ST and serialNumber); the country is an ISO 3166-1 alpha-2 code.
/// </summary>
public static class OrganizationInput
{
    public static Result<Organization> Check(AddOrganizationRequest r)
    {
        var errors = new List<FieldError>();
        var legalName = Text(r.LegalName, "legalName", 64, required: true, errors);
        var country = r.Country?.Trim().ToUpperInvariant() ?? "";
        if (!IsCountry(country)) errors.Add(new FieldError("country", "an ISO 3166-1 alpha-2 country code, such as GB or IN"));
        var state = Text(r.State, "state", 64, required: false, errors);
        var locality = Text(r.Locality, "locality", 64, required: false, errors);
        if (state is null && locality is null) errors.Add(new FieldError("locality", "a locality or a state/province is required (BR 7.1.4.2.2)"));
        var address = Text(r.Address, "address", 500, required: false, errors);
        var phone = r.Phone?.Trim() is { Length: > 0 } p ? p : null;
        if (phone is not null && (phone.Length > 32 || !phone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')')))
            errors.Add(new FieldError("phone", "digits, spaces, +, - and parentheses, at most 32"));
        var registration = Text(r.RegistrationNumber, "registrationNumber", 64, required: false, errors);
        if (registration is not null && !registration.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '/' or '.'))
            errors.Add(new FieldError("registrationNumber", "letters, digits, spaces, '-', '/' and '.' (an X.520 PrintableString)"));
        if (errors.Count > 0) return new OrganizationInvalid(errors);
        return new Organization("", "", legalName!, country, state, locality, address, phone, registration, OrganizationStatus.Pending, "", default, default);
    }

    // The two-letter codes of ISO 3166-1 (officially assigned), so a typo like "UK" or "XX" is caught here.
    private const string Codes =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
        "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT " +
        "JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ " +
        "OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
        "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    private static readonly HashSet<string> Countries = [.. Codes.Split(' ')];

    public static bool IsCountry(string code) => code.Length == 2 && Countries.Contains(code);

    private static string? Text(string? value, string field, int max, bool required, List<FieldError> errors)
    {
        var t = value?.Trim().Normalize(NormalizationForm.FormC);
        if (string.IsNullOrEmpty(t))
        {
            if (required) errors.Add(new FieldError(field, "is required"));
            return null;
        }
        if (t.Length > max) errors.Add(new FieldError(field, $"at most {max} characters"));
        else if (t.Any(char.IsControl)) errors.Add(new FieldError(field, "no control characters"));
        return t;
    }
}
