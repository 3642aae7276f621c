using Castellan.Registration.Contracts;

namespace Castellan.Registration.IdentityProofing;

/// <summary>
/// <c>Castellan:IdentityProofing</c>: which verifiers are offered and the operator's proofing policies. With no
/// policies configured the three built-in ones below are offered, one per approval mode, all for document signing
/// (a certificate naming a verified person).
/// </summary>
public sealed class IdentityProofingOptions
{
    /// <summary>Names of the verifiers in use; a policy naming another one is refused at start.</summary>
    public List<string> Verifiers { get; init; } = [DocumentUploadVerifierName, AttestedVerifierName];

    public List<PolicyOptions> Policies { get; init; } = [];

    public const string DocumentUploadVerifierName = "document-upload";
    public const string AttestedVerifierName = "attested";

    public sealed class PolicyOptions
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string ProductId { get; init; } = "";
        public ProofingApproval Approval { get; init; }
        public string Verifier { get; init; } = "";
    }

    public static readonly IReadOnlyList<ProofingPolicy> BuiltIn =
    [
        new("idp_manual", "Document signing, reviewed by an RA officer", "prd_document_signing", ProofingApproval.Manual, DocumentUploadVerifierName),
        new("idp_automatic", "Document signing, approved automatically after eKYC", "prd_document_signing", ProofingApproval.Automatic, AttestedVerifierName),
        new("idp_api", "Document signing, decided in real time through the API", "prd_document_signing", ProofingApproval.Api, AttestedVerifierName),
    ];

    public IReadOnlyList<ProofingPolicy> EffectivePolicies() => Policies.Count == 0
        ? BuiltIn
        : Policies.Select(p => new ProofingPolicy(p.Id, p.Name, p.ProductId, p.Approval, p.Verifier)).ToList();

    /// <summary>Checked at start (ValidateOnStart): every policy has an id and names an enabled verifier.</summary>
    public bool IsValid() => EffectivePolicies().All(p => p.Id.Length > 0 && p.ProductId.Length > 0 && Verifiers.Contains(p.Verifier, StringComparer.Ordinal));
}
