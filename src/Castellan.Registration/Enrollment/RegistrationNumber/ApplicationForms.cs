using System.Globalization;
using System.Text;
using Castellan.Registration.Contracts;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

/// <summary>
/// Seed 002 step 3: the application for the certificate and the contract, with the REGISTRATION NUMBER and name
/// already filled in "at the places needed", and the service's document checklist. PdfPig writes it with the
/// Standard-14 fonts (nothing embedded). PdfPig 0.1.16 writes them with Adobe StandardEncoding, which agrees with
/// Latin-1 only on ASCII (0xEB reads back as 'º', not 'ë'), so anything beyond ASCII prints as '?'
/// on paper; the certificate keeps the name exactly as registered.
/// </summary>
public static class ApplicationForms
{
    public static byte[] Build(RegistrationApplication a, RegistrationService service, DateTimeOffset printedAt)
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);

        var page = builder.AddPage(PageSize.A4);
        var y = 780.0;
        void Line(string text, double size = 11, bool strong = false, double gap = 18)
        {
            page.AddText(Printable(text), size, new PdfPoint(56, y), strong ? bold : regular);
            y -= gap;
        }
        Line("Application for a qualified certificate", 16, true, 30);
        Line($"Certificate type: {service.Name}");
        Line($"REGISTRATION NUMBER: {a.Number}", 13, true, 24);
        Line($"Signatory (full name): {a.FullName}");
        Line($"Email address shown in the certificate: {a.Email}", gap: 30);
        Line("Documents to enclose, signed (and notarised where the law requires):", strong: true);
        foreach (var item in service.Checklist) Line("[  ]  " + item);
        y -= 12;
        Line($"Fee: {service.Fee.ToString("0.00", CultureInfo.InvariantCulture)} {service.Currency}", gap: 40);
        Line("Signature of the Signatory: ______________________________      Date: ______________", gap: 30);
        Line($"Printed {printedAt:yyyy-MM-dd} UTC. Quote {a.Number} in every letter to the Registration Authority.", 9);

        var contract = builder.AddPage(PageSize.A4);
        page = contract;
        y = 780;
        Line("Contract for certification services", 16, true, 30);
        Line($"between the Certification Service Provider and {a.FullName},");
        Line($"registered under REGISTRATION NUMBER {a.Number}.", gap: 30);
        Line("The Signatory keeps the private key under sole control, tells the provider at once of any");
        Line("compromise, and uses the certificate only as the certification practice statement allows.", gap: 40);
        Line("Signatory: ______________________________      Provider: ______________________________");
        return builder.Build();
    }

    /// <summary>Printable ASCII only; anything else becomes '?' (globalization may be invariant here, so no accent folding).</summary>
    internal static string Printable(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text) b.Append(c is >= ' ' and <= '~' ? c : '?');
        return b.ToString();
    }
}
