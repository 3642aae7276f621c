using Castellan.Registration.Contracts;

namespace Castellan.Registration.IdentityProofing;

/// <summary>What the RA does next with an application once a verifier has spoken.</summary>
public enum ProofingStep { WaitForEvidence, Review, Issue, Reject }

/// <summary>
/// The application state machine (docs/flows/identity-proofed-issuance.md). Pure: the use cases ask it what is
/// allowed and what comes next, then make the move with one conditional update.
/// </summary>
public static class ProofingStateMachine
{
    public static bool CanMove(ProofingStatus from, ProofingStatus to) => (from, to) switch
    {
        (ProofingStatus.AwaitingEvidence, ProofingStatus.AwaitingReview) => true,
        (ProofingStatus.AwaitingEvidence, ProofingStatus.Issued) => true,
        (ProofingStatus.AwaitingEvidence, ProofingStatus.Rejected) => true,
        (ProofingStatus.AwaitingReview, ProofingStatus.Issued) => true,
        (ProofingStatus.AwaitingReview, ProofingStatus.Rejected) => true,
        _ => false,
    };

    /// <summary>An officer may decide while evidence is awaited (to reject) or once it is in.</summary>
    public static bool OfficerMayDecide(ProofingStatus s) => s is ProofingStatus.AwaitingEvidence or ProofingStatus.AwaitingReview;

    /// <summary>
    /// After a verifier's result: a rejection by the verifier ends it in every mode. Manual always goes to an officer.
    /// Automatic issues when every criterion passes, else goes to an officer with the failures listed. The API mode
    /// has no officer waiting for it: it issues or rejects in the same response.
    /// </summary>
    public static ProofingStep Next(ProofingApproval mode, VerificationOutcome outcome, IReadOnlyList<CriterionResult> criteria)
    {
        if (outcome == VerificationOutcome.Rejected) return ProofingStep.Reject;
        if (outcome == VerificationOutcome.Pending) return mode == ProofingApproval.Api ? ProofingStep.Reject : ProofingStep.WaitForEvidence;
        return mode switch
        {
            ProofingApproval.Manual => ProofingStep.Review,
            ProofingApproval.Automatic => ProofingCriteria.AllPass(criteria) ? ProofingStep.Issue : ProofingStep.Review,
            _ => ProofingCriteria.AllPass(criteria) ? ProofingStep.Issue : ProofingStep.Reject,
        };
    }

    public static ProofingStatus StatusOf(ProofingStep step) => step switch
    {
        ProofingStep.Review => ProofingStatus.AwaitingReview,
        ProofingStep.Issue => ProofingStatus.Issued,
        ProofingStep.Reject => ProofingStatus.Rejected,
        _ => ProofingStatus.AwaitingEvidence,
    };
}
