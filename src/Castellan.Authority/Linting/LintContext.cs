using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Linting;

/// <summary>
/// What a lint rule sees: the exact to-be-signed certificate (the TBS bytes, read once into a <see cref="TbsView"/>)
/// and the profile it was issued under.
/// </summary>
public sealed class LintContext(TbsView certificate, byte[] tbs, CertificateProfile profile, bool selfSigned)
{
    public TbsView Certificate { get; } = certificate;
    public byte[] Tbs { get; } = tbs;
    public CertificateProfile Profile { get; } = profile;
    public bool SelfSigned { get; } = selfSigned;

    public T? Extension<T>(string oid) where T : X509Extension => Certificate.Extension(oid) as T;
}

/// <summary>One rule. <see cref="Id"/> names the rule in errors: "rfc5280.serial.length", "cabf.br.validity" …</summary>
public interface ILintRule
{
    string Id { get; }

    /// <summary>Returns a human-readable failure, or null when the certificate passes.</summary>
    string? Check(LintContext c);
}
