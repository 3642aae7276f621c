using System.Security.Cryptography;
using Castellan.Authority.Contracts;
using Castellan.Authority.Linting.CabfBr;
using Castellan.Authority.Linting.Rfc5280;

namespace Castellan.Authority.Linting;

/// <summary>
/// Lints a TBSCertificate before it is signed, as the largest public CAs do (PKI-RULES: "linted before signed").
/// A failure names the rule; nothing is signed.
/// </summary>
public sealed class CertificateLinter(TimeProvider clock)
{
    private readonly ILintRule[] _rules =
    [
        new SerialNumberRule(),
        new ValidityOrderRule(),
        new ProfileValidityRule(),
        new ExtensionCriticalityRule(),
        new DuplicateExtensionRule(),
        new AuthorityKeyIdentifierRule(),
        new BasicConstraintsRule(),
        new SubjectAltNameWellFormedRule(),
        new KeyStrengthRule(),
        new TlsValidityScheduleRule(clock),
        new TlsSanRequiredRule(),
        new TlsNoInternalNamesRule(),
        new TlsCommonNameInSansRule(),
        new TlsExtendedKeyUsageRule(),
        new SmimeValidityRule(),
        new SmimeMailboxOnlyRule(),
    ];

    public IReadOnlyList<ILintRule> Rules => _rules;

    public LintFailure? Check(byte[] tbs, ReadOnlyMemory<byte> signatureAlgorithm, CertificateProfile profile, bool selfSigned)
    {
        TbsView parsed;
        try
        {
            parsed = TbsView.Parse(tbs);
        }
        catch (CryptographicException e)
        {
            return new LintFailure("rfc5280.der", "the to-be-signed certificate is not valid DER: " + e.Message);
        }
        var context = new LintContext(parsed, tbs, profile, selfSigned);
        foreach (var rule in _rules)
        {
            if (rule.Check(context) is { } failure) return new LintFailure(rule.Id, $"lint {rule.Id}: {failure}");
        }
        return null;
    }
}
