using Castellan.Registration.Contracts;
using Castellan.Registration.IdentityProofing;

namespace Castellan.Registration.Tests.IdentityProofing;

public sealed class ProofingCriteriaTests
{
    private static readonly CriteriaInput AllGood = new(VerificationOutcome.Verified, "Ana María López", true, ApplicantAuthentication.Totp, "Ana María López");

    [Fact]
    public void Evaluate_every_criterion_met_all_pass()
    {
        var criteria = ProofingCriteria.Evaluate(AllGood);
        Assert.Equal([ProofingCriteria.IdentityVerified, ProofingCriteria.EmailConfirmed, ProofingCriteria.StrongAuthentication, ProofingCriteria.NameMatches],
            criteria.Select(c => c.Code));
        Assert.True(ProofingCriteria.AllPass(criteria));
    }

    public static TheoryData<CriteriaInput, string> OneFailure => new()
    {
        { AllGood with { Outcome = VerificationOutcome.NeedsReview }, ProofingCriteria.IdentityVerified },
        { AllGood with { Outcome = VerificationOutcome.Pending }, ProofingCriteria.IdentityVerified },
        { AllGood with { EmailConfirmed = false }, ProofingCriteria.EmailConfirmed },
        { AllGood with { Authentication = ApplicantAuthentication.Password }, ProofingCriteria.StrongAuthentication },
        { AllGood with { CsrCommonName = "Ana Lopez Other" }, ProofingCriteria.NameMatches },
        { AllGood with { CsrCommonName = null }, ProofingCriteria.NameMatches },
        { AllGood with { VerifiedName = null }, ProofingCriteria.NameMatches },
    };

    [Theory]
    [MemberData(nameof(OneFailure))]
    public void Evaluate_one_criterion_unmet_only_that_one_fails(CriteriaInput input, string failing)
    {
        var criteria = ProofingCriteria.Evaluate(input);
        Assert.Equal([failing], criteria.Where(c => !c.Passed).Select(c => c.Code));
        Assert.False(ProofingCriteria.AllPass(criteria));
    }

    [Theory]
    [InlineData(ApplicantAuthentication.Totp)]
    [InlineData(ApplicantAuthentication.ClientCertificate)]
    [InlineData(ApplicantAuthentication.ApiKey)]
    public void Evaluate_strong_methods_pass_strong_authentication(ApplicantAuthentication method) =>
        Assert.True(ProofingCriteria.Evaluate(AllGood with { Authentication = method }).Single(c => c.Code == ProofingCriteria.StrongAuthentication).Passed);

    [Theory]
    [InlineData("Ana María López", "ana maria lopez")]
    [InlineData("José  García", " JOSE GARCIA ")]
    public void Evaluate_names_differing_in_case_accents_or_spaces_match(string verified, string csr) =>
        Assert.True(ProofingCriteria.Evaluate(AllGood with { VerifiedName = verified, CsrCommonName = csr }).Single(c => c.Code == ProofingCriteria.NameMatches).Passed);

    [Fact]
    public void Evaluate_name_mismatch_detail_names_both()
    {
        var failed = ProofingCriteria.Evaluate(AllGood with { CsrCommonName = "Someone Else" }).Single(c => c.Code == ProofingCriteria.NameMatches);
        Assert.Contains("'Someone Else'", failed.Detail);
        Assert.Contains("'Ana María López'", failed.Detail);
    }

    [Fact]
    public void AllPass_no_criteria_is_not_a_pass() => Assert.False(ProofingCriteria.AllPass([]));
}
