using Castellan.Registration.Contracts;
using Castellan.Registration.Enrollment.RegistrationNumber;

namespace Castellan.Server.Api.RegistrationNumbers;

public sealed record ServiceBody(string? AccountId, string? Name, string? ProductId, IReadOnlyList<string>? Checklist, decimal? Fee, string? Currency, bool? Enabled = null)
{
    public RegistrationServiceInput Input => new(Name, ProductId, Checklist, Fee, Currency);
}

public sealed record ServiceView(string Id, string AccountId, string Name, string ProductId, IReadOnlyList<string> Checklist, decimal Fee, string Currency, bool Enabled)
{
    public static ServiceView From(RegistrationService s) => new(s.Id, s.AccountId, s.Name, s.ProductId, s.Checklist, s.Fee, s.Currency, s.Enabled);
}

public sealed record RegisterBody(string? ServiceId, string? FullName, string? Email);

public sealed record AcceptBody(IReadOnlyList<string>? Checked);

public sealed record ReasonBody(string? Reason);

public sealed record PaymentBody(decimal? Amount, string? Reference);

public sealed record DocumentView(string Id, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt)
{
    public static DocumentView From(RegistrationDocument d) => new(d.Id, d.FileName, d.ContentType, d.Size, d.Sha256, d.UploadedAt);
}

/// <summary>An application as the RA officer sees it: never the access-code hash, never the CSR body.</summary>
public sealed record ApplicationView(string Id, string Number, string AccountId, string ServiceId, string FullName, string Email, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Reason, decimal? PaymentAmount, string? PaymentCurrency, string? PaymentReference,
    string? VerifiedBy, string? CertificateSerial, IReadOnlyList<string>? Checklist, IReadOnlyList<DocumentView>? Documents)
{
    public static ApplicationView From(RegistrationApplication a, ApplicantView? v = null) => new(a.Id, a.Number, a.AccountId, a.ServiceId, a.FullName, a.Email,
        a.Status.ToString(), a.CreatedAt, a.UpdatedAt, a.Reason, a.PaymentAmount, a.PaymentCurrency, a.PaymentReference, a.VerifiedBy, a.CertificateSerial,
        v?.Service.Checklist, v?.Documents.Select(DocumentView.From).ToList());
}

public sealed record ApplicationPage(IReadOnlyList<ApplicationView> Items, int Total, int Page, int PageSize);
