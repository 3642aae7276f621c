using Castellan.Registration.Contracts;
using Castellan.Registration.IdentityProofing.Verifiers;

namespace Castellan.Registration.Tests.IdentityProofing;

public sealed class VerifierTests
{
    private static readonly IdentityApplication Application = new("ida_1", "acc_1", "idp_manual", "Ann Lee", "ann@example.com", "", ProofingStatus.AwaitingEvidence,
        ApplicantAuthentication.Password, true, "user:u1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj"u8.ToArray();

    [Fact]
    public async Task DocumentUpload_document_and_selfie_needs_review()
    {
        var result = await new DocumentUploadVerifier().ReceiveEvidenceAsync(Application, Evidence(
            new EvidenceFile("identity-document", "passport.pdf", "application/pdf", Pdf), new EvidenceFile("selfie", "me.png", "image/png", Png)), CancellationToken.None);
        Assert.False(result.IsError);
        Assert.Equal(VerificationOutcome.NeedsReview, result.Value.Outcome);
        Assert.Contains("application/pdf", result.Value.EvidenceJson);
    }

    [Fact]
    public async Task DocumentUpload_missing_selfie_and_a_text_file_are_refused_by_field()
    {
        var result = await new DocumentUploadVerifier().ReceiveEvidenceAsync(Application, Evidence(
            new EvidenceFile("identity-document", "passport.txt", "text/plain", "hello"u8.ToArray())), CancellationToken.None);
        var errors = Assert.IsType<ApplicationInvalid>(result.Error).Errors;
        Assert.Equal(["identity-document", "selfie"], errors.Select(e => e.Field));
        Assert.Equal("the file is not a PDF, PNG or JPEG", errors[0].Detail);
    }

    [Fact]
    public void DocumentUpload_oversize_and_disguised_files_are_refused()
    {
        Assert.Equal("the file is larger than 5 MiB", DocumentUploadVerifier.Check(new EvidenceFile("selfie", "big.png", "image/png", [.. Png, .. new byte[DocumentUploadVerifier.MaxBytes]])));
        Assert.Equal("the file is application/pdf, not the image/png it claims to be", DocumentUploadVerifier.Check(new EvidenceFile("selfie", "x.pdf", "image/png", Pdf)));
        Assert.Null(DocumentUploadVerifier.Check(new EvidenceFile("selfie", "me.png", "image/png", Png)));
    }

    [Fact]
    public async Task Attested_verified_result_carries_the_verified_name()
    {
        var result = await new AttestedVerifier().ReceiveEvidenceAsync(Application, Claims(("result", "verified"), ("verifiedName", "Ann Lee"), ("provider", "eKYC Co"), ("reference", "chk-1")), CancellationToken.None);
        Assert.Equal(VerificationOutcome.Verified, result.Value.Outcome);
        Assert.Equal("Ann Lee", result.Value.VerifiedName);
        Assert.Contains("chk-1", result.Value.EvidenceJson);
    }

    [Fact]
    public async Task Attested_rejected_result_keeps_the_providers_reason()
    {
        var result = await new AttestedVerifier().ReceiveEvidenceAsync(Application, Claims(("result", "rejected"), ("provider", "eKYC Co"), ("reference", "chk-2"), ("reason", "document expired")), CancellationToken.None);
        Assert.Equal(VerificationOutcome.Rejected, result.Value.Outcome);
        Assert.Equal("document expired", result.Value.Reason);
    }

    [Fact]
    public async Task Attested_incomplete_evidence_names_each_missing_field()
    {
        var result = await new AttestedVerifier().ReceiveEvidenceAsync(Application, Claims(("result", "verified")), CancellationToken.None);
        Assert.Equal(["evidence.provider", "evidence.reference", "evidence.verifiedName"], Assert.IsType<ApplicationInvalid>(result.Error).Errors.Select(e => e.Field));
    }

    private static IdentityEvidence Evidence(params EvidenceFile[] files) => new(files, new Dictionary<string, string?>());

    private static IdentityEvidence Claims(params (string Key, string Value)[] claims) => new([], claims.ToDictionary(c => c.Key, c => (string?)c.Value));
}
