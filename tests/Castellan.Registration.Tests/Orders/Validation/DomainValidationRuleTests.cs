using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Profiles;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.Validation;
using Castellan.Validation.Contracts;

namespace Castellan.Registration.Tests.Orders.Validation;

public sealed class DomainValidationRuleTests
{
    private static readonly Product TlsServer = Castellan.Registration.Products.BuiltInProducts.All.Single(p => p.Id == "prd_tls_server");

    private static CertificateAuthorityRecord Ca(params string[] permitted) => new()
    {
        Id = "corp", Name = "Corp", Kind = CaKind.Intermediate, SubjectDn = "CN=Corp", KeyAlgorithm = KeyAlgorithm.EcP256,
        Key = new KeyReference("software", "corp"), Status = CaStatus.Active, CreatedAt = DateTimeOffset.UnixEpoch, PermittedDnsNames = permitted,
    };

    [Theory]
    [InlineData("tls-server", true)]
    [InlineData("tls-client", false)]
    [InlineData("mtls", false)]
    [InlineData("smime-mailbox", false)]
    [InlineData("code-signing", false)]
    public void Requires_follows_the_profile_when_the_product_does_not_say(string profileId, bool expected)
    {
        var profile = BuiltInProfiles.All.Single(p => p.Id == profileId);
        Assert.Equal(expected, DomainValidationRule.Requires(TlsServer with { ProfileId = profileId }, profile));
    }

    [Fact]
    public void Requires_follows_the_product_flag_and_a_missing_profile_counts_as_needing_it()
    {
        Assert.False(DomainValidationRule.Requires(TlsServer with { RequiresDomainValidation = false }, BuiltInProfiles.TlsServer));
        Assert.True(DomainValidationRule.Requires(TlsServer with { RequiresDomainValidation = true }, BuiltInProfiles.MutualTls));
        Assert.True(DomainValidationRule.Requires(TlsServer, null));
    }

    [Fact]
    public void Opting_out_of_a_public_TLS_profile_needs_a_name_constrained_issuer()
    {
        Assert.IsType<PolicyViolation>(DomainValidationRule.ForNewProduct("not-required", BuiltInProfiles.TlsServer, null).Error);
        Assert.IsType<PolicyViolation>(DomainValidationRule.ForNewProduct("not-required", BuiltInProfiles.TlsServer, Ca()).Error);
        Assert.False(DomainValidationRule.ForNewProduct("not-required", BuiltInProfiles.TlsServer, Ca("corp.example")).Value);
        Assert.False(DomainValidationRule.ForNewProduct("NOT-REQUIRED", BuiltInProfiles.MutualTls, null).Value);
        Assert.True(DomainValidationRule.ForNewProduct("required", BuiltInProfiles.MutualTls, null).Value);
        Assert.Null(DomainValidationRule.ForNewProduct(null, BuiltInProfiles.TlsServer, null).Value);
        Assert.IsType<MalformedInput>(DomainValidationRule.ForNewProduct("sometimes", BuiltInProfiles.TlsServer, null).Error);
    }

    [Theory]
    [InlineData("www.example.com", null, ValidationMethod.DnsTxt)]
    [InlineData("www.example.com", ValidationMethod.HttpFile, ValidationMethod.HttpFile)]
    [InlineData("*.example.com", ValidationMethod.HttpFile, ValidationMethod.DnsTxt)]
    [InlineData("*.example.com", ValidationMethod.ConstructedEmail, ValidationMethod.ConstructedEmail)]
    [InlineData("192.0.2.7", ValidationMethod.DnsTxt, ValidationMethod.HttpFile)]
    public void MethodFor_keeps_the_choice_only_where_the_BR_allow_it(string name, ValidationMethod? wanted, ValidationMethod expected) =>
        Assert.Equal(expected, OrderDomainValidation.MethodFor(OrderDomainValidation.IdentifierOf(name), wanted));
}
