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
        new("prd_tls_client", null, "TLS client", "tls-client", null, 365, 3_000, "USD", false, ApprovalMode.Automatic,
            "client authentication inside the account's own PKI", 1, 0, Epoch),
        new("prd_mtls", null, "Mutual TLS", "mtls", null, 365, 4_000, "USD", false, ApprovalMode.Automatic,
            "mutual TLS inside the account's own PKI", 1, 0, Epoch),
        new("prd_smime", null, "S/MIME mailbox", "smime-mailbox", null, 365, 2_500, "USD", false, ApprovalMode.Manual, null, 1, 0, Epoch),
        new("prd_code_signing", null, "Code signing", "code-signing", null, 365, 30_000, "USD", false, ApprovalMode.Manual, null, 0, 0, Epoch),
        new("prd_document_signing", null, "Document signing", "document-signing", null, 365, 15_000, "USD", false, ApprovalMode.Manual, null, 0, 0, Epoch),
    ];
}
