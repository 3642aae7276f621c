using Castellan.Registration.Contracts;

namespace Castellan.Registration.Products;

/// <summary>
/// The operator's starting catalogue, one product per built-in subscriber profile, seeded at start under fixed ids
/// (so every node seeds the same rows). Prices are placeholders in USD cents; the operator edits them later.
/// </summary>
public static class BuiltInProducts
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<Product> All { get; } =
    [
        // TLS validity stays within the profile's 200 days (SC-081v3); sold per year like the rest.
        new("prd_tls_server", null, "TLS server", "tls-server", null, 199, 5_000, "USD", false, ApprovalMode.Automatic,
            "names are checked by the tls-server profile and its linter before signing", 1, 0, Epoch),
        new("prd_tls_multi", null, "TLS server multi-domain", "tls-server", null, 199, 12_000, "USD", false, ApprovalMode.Automatic,
            "names are checked by the tls-server profile and its linter before signing", 3, 2_000, Epoch),
        // Issue 3 item 7: DV/OV/EV x single, wildcard and multi-domain (UCC: three names included, each further one priced).
        // DV keeps prd_tls_server/prd_tls_multi above as its single and multi-domain products.
        Tls("prd_tls_dv_wildcard", "TLS DV wildcard", "tls-server", 15_000, 1, 0),
        Tls("prd_tls_ov", "TLS OV single domain", "tls-server-ov", 9_000, 1, 0),
        Tls("prd_tls_ov_wildcard", "TLS OV wildcard", "tls-server-ov", 25_000, 1, 0),
        Tls("prd_tls_ov_multi", "TLS OV multi-domain (UCC)", "tls-server-ov", 20_000, 3, 3_000),
        Tls("prd_tls_ev", "TLS EV single domain", "tls-server-ev", 20_000, 1, 0),
        Tls("prd_tls_ev_wildcard", "TLS EV wildcard", "tls-server-ev", 40_000, 1, 0),
        Tls("prd_tls_ev_multi", "TLS EV multi-domain (UCC)", "tls-server-ev", 35_000, 3, 5_000),
        new("prd_tls_client", null, "TLS client", "tls-client", null, 365, 3_000, "USD", false, ApprovalMode.Automatic,
            "client authentication inside the account's own PKI", 1, 0, Epoch),
        new("prd_mtls", null, "Mutual TLS", "mtls", null, 365, 4_000, "USD", false, ApprovalMode.Automatic,
            "mutual TLS inside the account's own PKI", 1, 0, Epoch),
        new("prd_smime", null, "S/MIME mailbox", "smime-mailbox", null, 365, 2_500, "USD", false, ApprovalMode.Manual, null, 1, 0, Epoch),
        new("prd_code_signing", null, "Code signing", "code-signing", null, 365, 30_000, "USD", false, ApprovalMode.Manual, null, 0, 0, Epoch),
        new("prd_document_signing", null, "Document signing", "document-signing", null, 365, 15_000, "USD", false, ApprovalMode.Manual, null, 0, 0, Epoch),
    ];

    /// <summary>What the built-in TLS products sell beyond their profile: validation level and name shape (by product id).</summary>
    public static TlsKind? KindOf(string productId) => productId switch
    {
        "prd_tls_server" => new(ValidationLevel.Dv, NameShape.Single),
        "prd_tls_multi" => new(ValidationLevel.Dv, NameShape.Multi),
        "prd_tls_dv_wildcard" => new(ValidationLevel.Dv, NameShape.Wildcard),
        "prd_tls_ov" => new(ValidationLevel.Ov, NameShape.Single),
        "prd_tls_ov_wildcard" => new(ValidationLevel.Ov, NameShape.Wildcard),
        "prd_tls_ov_multi" => new(ValidationLevel.Ov, NameShape.Multi),
        "prd_tls_ev" => new(ValidationLevel.Ev, NameShape.Single),
        "prd_tls_ev_wildcard" => new(ValidationLevel.Ev, NameShape.Wildcard),
        "prd_tls_ev_multi" => new(ValidationLevel.Ev, NameShape.Multi),
        _ => null,
    };

    // A wildcard product includes two names: "*.example.com" and its base "example.com".
    private static Product Tls(string id, string name, string profile, long pricePerYear, int sansIncluded, long perExtraSan) =>
        new(id, null, name, profile, null, 199, pricePerYear, "USD", false, ApprovalMode.Automatic,
            $"names are checked by the {profile} profile and its linter before signing", id.EndsWith("_wildcard", StringComparison.Ordinal) ? 2 : sansIncluded, perExtraSan, Epoch);
}

/// <summary>CA/B Forum validation levels: domain, organisation, extended.</summary>
public enum ValidationLevel { Dv, Ov, Ev }

/// <summary>Single name, one wildcard (with its base name), or several names (UCC).</summary>
public enum NameShape { Single, Wildcard, Multi }

public sealed record TlsKind(ValidationLevel Level, NameShape Names)
{
    public bool NeedsOrganization => Level != ValidationLevel.Dv;
}
