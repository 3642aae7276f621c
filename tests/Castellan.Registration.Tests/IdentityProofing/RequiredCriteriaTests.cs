using Castellan.Registration.Contracts;
using Castellan.Registration.IdentityProofing;

namespace Castellan.Registration.Tests.IdentityProofing;

/// <summary>An account's policy decides automatic approval by the criteria it requires; the others are still evaluated.</summary>
public sealed class RequiredCriteriaTests
{
    private static readonly IReadOnlyList<CriterionResult> NameAndEmailFail = ProofingCriteria.Evaluate(
        new CriteriaInput(VerificationOutcome.Verified, "Ann Lee", false, ApplicantAuthentication.Totp, "Bob Ray"));

    private static ProofingPolicy Policy(ProofingApproval mode, params string[] criteria) =>
        new("idp_x", "x", "prd_document_signing", mode, "attested") { Criteria = criteria };

    [Fact]
    public void A_policy_with_the_default_criteria_requires_all_four()
    {
        var policy = new ProofingPolicy("idp_x", "x", "prd_document_signing", ProofingApproval.Automatic, "attested");
        Assert.Equal(4, ProofingCriteria.RequiredBy(policy, NameAndEmailFail).Count);
        Assert.Equal(ProofingStep.Review, ProofingStateMachine.Next(policy.Approval, VerificationOutcome.Verified, ProofingCriteria.RequiredBy(policy, NameAndEmailFail)));
    }

    [Theory]
    [InlineData(ProofingApproval.Automatic, new[] { "identity-verified" }, ProofingStep.Issue)]
    [InlineData(ProofingApproval.Automatic, new[] { "identity-verified", "strong-authentication" }, ProofingStep.Issue)]
    [InlineData(ProofingApproval.Automatic, new[] { "identity-verified", "name-matches" }, ProofingStep.Review)]
    [InlineData(ProofingApproval.Api, new[] { "identity-verified" }, ProofingStep.Issue)]
    [InlineData(ProofingApproval.Api, new[] { "identity-verified", "email-confirmed" }, ProofingStep.Reject)]
    [InlineData(ProofingApproval.Manual, new[] { "identity-verified" }, ProofingStep.Review)] // manual: an officer decides whatever passes
    public void Only_the_required_criteria_decide(ProofingApproval mode, string[] required, ProofingStep expected)
    {
        var policy = Policy(mode, required);
        var decisive = ProofingCriteria.RequiredBy(policy, NameAndEmailFail);
        Assert.Equal(required.Order(StringComparer.Ordinal), decisive.Select(c => c.Code).Order(StringComparer.Ordinal));
        Assert.Equal(expected, ProofingStateMachine.Next(mode, VerificationOutcome.Verified, decisive));
    }

    [Fact]
    public void A_verifier_rejection_rejects_even_when_no_criterion_is_required_to_pass()
    {
        var policy = Policy(ProofingApproval.Automatic, "identity-verified");
        var rejected = ProofingCriteria.Evaluate(new CriteriaInput(VerificationOutcome.Rejected, null, true, ApplicantAuthentication.Totp, "Ann Lee"));
        Assert.Equal(ProofingStep.Reject, ProofingStateMachine.Next(policy.Approval, VerificationOutcome.Rejected, ProofingCriteria.RequiredBy(policy, rejected)));
    }
}
