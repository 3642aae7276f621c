namespace Castellan.Validation.Contracts;

/// <summary>
/// The RFC 8657 §4 validation-method labels of our methods, matched against CAA <c>validationmethods</c>. The ACME
/// challenges use their registered names (IANA "ACME Validation Methods"); the RA's own methods have no registered name,
/// and §4 requires such CA-specific labels to start with "ca-". Each RA label names the CA/B Forum BR 3.2.2.4 method it
/// implements (docs/flows/validation.md "CAA validationmethods labels"). The labels are one-to-one with the methods: a
/// domain that allows only dns-01 does not thereby allow the RA's _validation TXT method, which is a different procedure
/// even though both are BR 3.2.2.4.7.
/// </summary>
public static class ValidationMethodLabels
{
    private static readonly IReadOnlyDictionary<ValidationMethod, string> Labels = new Dictionary<ValidationMethod, string>
    {
        [ValidationMethod.Http01] = "http-01",                       // BR 3.2.2.4.19
        [ValidationMethod.Dns01] = "dns-01",                         // BR 3.2.2.4.7
        [ValidationMethod.TlsAlpn01] = "tls-alpn-01",                // BR 3.2.2.4.20, RFC 8737
        [ValidationMethod.HttpFile] = "ca-http-file",                // BR 3.2.2.4.18, /.well-known/pki-validation/
        [ValidationMethod.DnsTxt] = "ca-dns-txt",                    // BR 3.2.2.4.7, TXT _validation.NAME
        [ValidationMethod.ConstructedEmail] = "ca-constructed-email", // BR 3.2.2.4.4, admin@ ... postmaster@
        [ValidationMethod.CaaContactEmail] = "ca-caa-contact-email",  // BR 3.2.2.4.13, CAA contactemail
        [ValidationMethod.TxtContactEmail] = "ca-txt-contact-email",  // BR 3.2.2.4.14, TXT _validation-contactemail
    };

    /// <summary>The label a CAA <c>validationmethods</c> list must hold for <paramref name="method"/> to be allowed.</summary>
    public static string Of(ValidationMethod method) => Labels[method];

    /// <summary>The method of an ACME challenge type or a label above; null for anything else.</summary>
    public static ValidationMethod? Parse(string? label)
    {
        foreach (var (method, known) in Labels)
            if (string.Equals(known, label, StringComparison.Ordinal)) return method;
        return null;
    }
}
