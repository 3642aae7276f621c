using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Registration.Products;

namespace Castellan.Server.Api.Registration;

public sealed record ProductView(string Id, string? AccountId, bool BuiltIn, string Name, string ProfileId, string? IssuerId, int ValidityDays,
    long PricePerYearMinor, string Currency, bool AutoApprove, string ApprovalMode, string? ApprovalCriteria, int SansIncluded, long PricePerExtraSanMinor)
{
    /// <summary>"required", "not-required", or null when it follows the profile (docs/flows/orders.md "Domain control").</summary>
    public string? DomainValidation { get; init; }

    /// <summary>The items an approver ticks before approving an order of this product, as the RA reads them from the criteria.</summary>
    public IReadOnlyList<string> Checklist { get; init; } = [];

    /// <summary>When the account disabled the product (no new orders); null while it is sold.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    public static ProductView From(Product p) => new(p.Id, p.AccountId, p.BuiltIn, p.Name, p.ProfileId, p.IssuerId, p.ValidityDays, p.PricePerYearMinor,
        p.Currency, p.AutoApprove, ProductService.Name(p.ApprovalMode), p.ApprovalCriteria, p.SansIncluded, p.PricePerExtraSanMinor)
    {
        DomainValidation = p.RequiresDomainValidation switch { true => "required", false => "not-required", null => null },
        Checklist = ApprovalChecklist.Items(p),
        DisabledAt = p.DisabledAt,
    };
}

/// <summary>An order as the API shows it: <c>status</c> is the stable code, <c>statusLabel</c> the seed's wording.</summary>
public sealed record OrderView(string Id, string AccountId, string? GroupId, string ProductId, string Status, string StatusLabel, bool HasCsr,
    IReadOnlyList<string> Sans, string? Subject, int ValidityDays, string? Remarks, IReadOnlyList<string> ReportingTags, IReadOnlyList<string> AdditionalRecipients,
    long PriceMinor, string Currency, string PlacedBy, string? DebitJournalId, string? CertificateSerial, string? StatusReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string Kind, string? OriginalOrderId, string? ReissueReason, int CoverageYears, DateTimeOffset? CoverageEndsAt, IReadOnlyDictionary<string, string> CustomFields,
    IReadOnlyList<ReportingTag> Tags, string? SupersedesSerial, DateTimeOffset? SupersedesDueAt)
{
    /// <summary>Domain control of the order's names; shown by GET /orders/{id} and the validation actions.</summary>
    public DomainValidationView? DomainValidation { get; init; }

    public string? RequesterName { get; init; }
    public string? RequesterMobile { get; init; }

    public static OrderView From(Order o) => new(o.Id, o.AccountId, o.GroupId, o.ProductId, OrderService.Code(o.Status), o.Status.Display(), o.Csr is not null,
        o.Sans, o.Subject, o.ValidityDays, o.Remarks, o.ReportingTags, o.AdditionalRecipients, o.PriceMinor, o.Currency, o.PlacedBy, o.DebitJournalId,
        o.CertificateSerial, o.StatusReason, o.CreatedAt, o.UpdatedAt, o.Kind.ToString().ToLowerInvariant(), o.OriginalOrderId, o.ReissueReason, o.CoverageYears,
        o.CoverageEndsAt, o.CustomFields, o.Tags, o.Supersedes?.Serial, o.Supersedes?.DueAt)
    {
        RequesterName = o.RequesterName, RequesterMobile = o.RequesterMobile,
    };
}

public sealed record OrderPageView(IReadOnlyList<OrderView> Items, int Total, int Page, int PageSize);

public sealed record ReasonBody(string? Reason, string? Remarks);

/// <summary>The approver's ticks: the texts of the product's approval checklist items (GET /products/{id} "checklist").</summary>
public sealed record ApproveBody(IReadOnlyList<string>? CheckedItems);

public sealed record CsrBody(string? Csr);
