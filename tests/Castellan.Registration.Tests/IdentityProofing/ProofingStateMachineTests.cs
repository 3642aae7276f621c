using Castellan.Registration.Contracts;
using Castellan.Registration.IdentityProofing;

namespace Castellan.Registration.Tests.IdentityProofing;

public sealed class ProofingStateMachineTests
{
    private static readonly IReadOnlyList<CriterionResult> Passing = ProofingCriteria.Evaluate(
        new CriteriaInput(VerificationOutcome.Verified, "Ann Lee", true, ApplicantAuthentication.Totp, "Ann Lee"));

    private static readonly IReadOnlyList<CriterionResult> NameFails = ProofingCriteria.Evaluate(
        new CriteriaInput(VerificationOutcome.Verified, "Ann Lee", true, ApplicantAuthentication.Totp, "Bob Ray"));

    [Theory]
    [InlineData(ProofingApproval.Manual, VerificationOutcome.NeedsReview, true, ProofingStep.Review)]
    [InlineData(ProofingApproval.Manual, VerificationOutcome.Verified, true, ProofingStep.Review)] // manual: an officer always decides
    [InlineData(ProofingApproval.Manual, VerificationOutcome.Rejected, true, ProofingStep.Reject)]
    [InlineData(ProofingApproval.Automatic, VerificationOutcome.Verified, true, ProofingStep.Issue)]
    [InlineData(ProofingApproval.Automatic, VerificationOutcome.Verified, false, ProofingStep.Review)] // falls back to an officer
    [InlineData(ProofingApproval.Automatic, VerificationOutcome.Pending, true, ProofingStep.WaitForEvidence)]
    [InlineData(ProofingApproval.Automatic, VerificationOutcome.Rejected, true, ProofingStep.Reject)]
    [InlineData(ProofingApproval.Api, VerificationOutcome.Verified, true, ProofingStep.Issue)]
    [InlineData(ProofingApproval.Api, VerificationOutcome.Verified, false, ProofingStep.Reject)] // no officer waits for the API
    [InlineData(ProofingApproval.Api, VerificationOutcome.Pending, true, ProofingStep.Reject)]
    public void Next_mode_outcome_and_criteria_decide_the_step(ProofingApproval mode, VerificationOutcome outcome, bool criteriaPass, ProofingStep expected) =>
        Assert.Equal(expected, ProofingStateMachine.Next(mode, outcome, criteriaPass ? Passing : NameFails));

    [Theory]
    [InlineData(ProofingStatus.AwaitingEvidence, ProofingStatus.AwaitingReview, true)]
    [InlineData(ProofingStatus.AwaitingEvidence, ProofingStatus.Issued, true)]
    [InlineData(ProofingStatus.AwaitingReview, ProofingStatus.Issued, true)]
    [InlineData(ProofingStatus.AwaitingReview, ProofingStatus.Rejected, true)]
    [InlineData(ProofingStatus.AwaitingReview, ProofingStatus.AwaitingEvidence, false)]
    [InlineData(ProofingStatus.Issued, ProofingStatus.Rejected, false)]
    [InlineData(ProofingStatus.Rejected, ProofingStatus.Issued, false)]
    [InlineData(ProofingStatus.Issued, ProofingStatus.Issued, false)]
    public void CanMove_only_forward_and_never_out_of_a_final_state(ProofingStatus from, ProofingStatus to, bool allowed) =>
        Assert.Equal(allowed, ProofingStateMachine.CanMove(from, to));

    [Fact]
    public void Every_step_lands_on_a_status_the_machine_allows_from_awaiting_evidence()
    {
        foreach (var step in new[] { ProofingStep.Review, ProofingStep.Issue, ProofingStep.Reject })
            Assert.True(ProofingStateMachine.CanMove(ProofingStatus.AwaitingEvidence, ProofingStateMachine.StatusOf(step)), $"{step} lands on a status not reachable from AwaitingEvidence");
    }
}
