using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.Documents;

namespace Castellan.Registration.IdentityProofing.Verifiers;

/// <summary>
/// The RA's own verifier: the applicant uploads an identity document and a selfie (or a second document), each a
/// PDF, PNG or JPEG of at most <see cref="MaxBytes"/>, recognised by its magic bytes like the order KYC uploads. It
/// cannot judge a photograph, so its result is always NeedsReview: an RA officer compares the two and decides.
/// </summary>
public sealed class DocumentUploadVerifier : IIdentityVerifier
{
    public const int MaxBytes = 5 * 1024 * 1024;
    public const string IdentityDocument = "identity-document";
    public const string Selfie = "selfie";

    public string Name => IdentityProofingOptions.DocumentUploadVerifierName;

    public Task<string> StartAsync(IdentityApplication application, CancellationToken ct) =>
        Task.FromResult("Upload a photo or scan of your identity document and a selfie (or a second identity document): PDF, PNG or JPEG, at most 5 MiB each.");

    public Task<Result<VerificationResult>> ReceiveEvidenceAsync(IdentityApplication application, IdentityEvidence evidence, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var summary = new List<object>();
        foreach (var kind in new[] { IdentityDocument, Selfie })
        {
            var file = evidence.Files.FirstOrDefault(f => f.Kind == kind);
            var problem = file is null ? (kind == Selfie ? "add a selfie or a second identity document" : "add your identity document") : Check(file);
            if (problem is not null) errors.Add(new FieldError(kind, problem));
            else summary.Add(new { kind, type = DocumentTypes.Sniff(file!.Content), size = file.Content.Length });
        }
        if (errors.Count > 0) return Task.FromResult<Result<VerificationResult>>(new ApplicationInvalid(errors));
        return Task.FromResult<Result<VerificationResult>>(new VerificationResult(VerificationOutcome.NeedsReview, null, null,
            JsonSerializer.Serialize(new { verifier = Name, files = summary, note = "an RA officer compares the document with the selfie" })));
    }

    /// <summary>Why the file is refused, or null. Size first: an oversize upload is never read further.</summary>
    public static string? Check(EvidenceFile f)
    {
        if (f.Content.Length == 0) return "the file is empty";
        if (f.Content.Length > MaxBytes) return $"the file is larger than {MaxBytes / (1024 * 1024)} MiB";
        var type = DocumentTypes.Sniff(f.Content);
        if (type is null) return "the file is not a PDF, PNG or JPEG";
        var claimed = f.ClaimedContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (claimed is { Length: > 0 } && claimed != "application/octet-stream" && claimed != type) return $"the file is {type}, not the {claimed} it claims to be";
        var name = OrderDocuments.FileName(f.FileName, type);
        return name.IsError ? name.Error.Detail : null;
    }
}
