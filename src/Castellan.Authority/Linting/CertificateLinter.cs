using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;
using Castellan.Authority.Linting.CabfBr;
using Castellan.Authority.Linting.Rfc5280;

namespace Castellan.Authority.Linting;

/// <summary>
/// Lints a TBSCertificate before it is signed, as the largest public CAs do (PKI-RULES: "linted before signed").
/// A failure names the rule; nothing is signed.
/// </summary>
public sealed class CertificateLinter(TimeProvider clock)
{
    private static readonly byte[] PlaceholderSignature = [0x00];

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
        X509Certificate2 parsed;
        try
        {
            parsed = X509CertificateLoader.LoadCertificate(ExtensionEncoder.AssembleSigned(tbs, signatureAlgorithm.Span, PlaceholderSignature));
        }
        catch (CryptographicException e)
        {
            return new LintFailure("rfc5280.der", "the to-be-signed certificate is not valid DER: " + e.Message);
        }
        using (parsed)
        {
            var context = new LintContext(parsed, tbs, profile, selfSigned);
            foreach (var rule in _rules)
            {
                if (rule.Check(context) is { } failure) return new LintFailure(rule.Id, $"lint {rule.Id}: {failure}");
            }
        }
        return null;
    }
}
