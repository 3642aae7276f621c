using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Linting.CabfBr;
using Castellan.Authority.Profiles;

namespace Castellan.Authority.Issuance;

/// <summary>Issues subscriber certificates: from a CSR, or with a key generated here (returned once as PKCS#12).</summary>
public sealed class IssueCertificate(ProfileCatalog profiles, CaDirectory cas, IssuancePipeline pipeline, IAuditLog audit, TimeProvider clock)
{
    private static readonly Dictionary<string, string> AttributeNames = new()
    {
        ["2.5.4.3"] = "CN", ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST",
        ["2.5.4.6"] = "C", ["1.2.840.113549.1.9.1"] = "E", ["2.5.4.5"] = "SERIALNUMBER",
    };

    public async Task<Result<IssuanceResult>> FromCsrAsync(IssuanceRequest request, CancellationToken ct)
    {
        var csr = CsrReader.Read(request.Csr);
        if (csr.IsError) return csr.Error;
        return await IssueAsync(request, csr.Value.PublicKey, csr.Value.Key, csr.Value.Subject, csr.Value.RequestedSans, ct);
    }

    public async Task<Result<KeyGenerationResult>> WithGeneratedKeyAsync(KeyGenerationRequest request, CancellationToken ct)
    {
        var profile = await profiles.FindAsync(request.Issuance.ProfileId, ct);
        if (profile.IsError) return profile.Error;
        if (!profile.Value.AllowServerKeyGeneration)
            return new PolicyViolation("profile.key-generation", $"profile '{profile.Value.Id}' does not allow server-side key generation");
        // Checked before anything is issued: a password the PKCS#12 export refuses would otherwise fail after the
        // certificate was signed and recorded, and its key, never kept, would be lost with it.
        if (request.Password is { } supplied && CheckPassword(supplied) is { } badPassword) return badPassword;

        using AsymmetricAlgorithm key = request.KeyAlgorithm.IsEc()
            ? ECDsa.Create(request.KeyAlgorithm.Curve())
            : RSA.Create(request.KeyAlgorithm.RsaBits());
        var publicKey = key is ECDsa ec ? new PublicKey(ec) : new PublicKey((RSA)key);
        var info = CsrReader.Inspect(publicKey);
        var issued = await IssueAsync(request.Issuance, publicKey, info.Value, new X500DistinguishedName(""), [], ct);
        if (issued.IsError) return issued.Error;

        // A key made here is a key operation like any CA key: audited, with the fact that it left only inside the PKCS#12.
        await audit.AppendAsync(new AuditEvent(request.Issuance.RequestedBy, "key.generated", $"certificate:{issued.Value.Certificate.Serial}",
            JsonSerializer.Serialize(new { serial = issued.Value.Certificate.Serial.Hex, algorithm = request.KeyAlgorithm.Name(), custody = "returned once as PKCS#12, not kept" })),
            CancellationToken.None);
        var password = request.Password ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        using var leaf = X509CertificateLoader.LoadCertificate(issued.Value.Der);
        using var withKey = key is ECDsa e ? leaf.CopyWithPrivateKey(e) : leaf.CopyWithPrivateKey((RSA)key);
        var bundle = new X509Certificate2Collection { withKey };
        bundle.AddRange(issued.Value.Chain.ToArray());
        var pfx = bundle.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password)
            ?? throw new CryptographicException("PKCS#12 export produced nothing");
        return new KeyGenerationResult(issued.Value, pfx, password);
    }

    private async Task<Result<IssuanceResult>> IssueAsync(IssuanceRequest request, PublicKey publicKey, SubjectKeyInfo key,
        X500DistinguishedName csrSubject, IReadOnlyList<SubjectAltName> csrSans, CancellationToken ct)
    {
        var found = await profiles.FindAsync(request.ProfileId, ct);
        if (found.IsError) return found.Error;
        var profile = found.Value;
        if (profile.IsCa) return new PolicyViolation("profile.ca", "CA certificates are created through the CA hierarchy, not issued to subscribers");

        var issuer = request.IssuerId is { Length: > 0 } id ? await cas.FindAsync(id, ct) : await cas.DefaultIssuerAsync(ct);
        if (issuer is null) return new NotFound("ca", request.IssuerId is null ? "no CA can issue yet" : $"CA '{request.IssuerId}' does not exist");
        if (!issuer.Record.CanIssue) return new Conflict($"CA '{issuer.Id}' is {issuer.Record.Status.ToString().ToLowerInvariant()} and issues nothing");

        if (CheckKey(profile, key) is { } weak) return weak;

        var sans = ChooseSans(profile, request.Sans, csrSans);
        if (sans.IsError) return sans.Error;

        if (NameConstraintViolation(issuer.Record, sans.Value) is { } outside) return outside;

        var subject = ChooseSubject(profile, request.Subject, csrSubject, sans.Value);
        if (subject.IsError) return subject.Error;

        var days = request.ValidityDays ?? profile.EffectiveDefaultValidityDays;
        if (days < 1) return new MalformedInput("validityDays must be at least 1");
        if (days > profile.MaxValidityDays)
            return new PolicyViolation("profile.validity", $"validity of {days} days exceeds profile '{profile.Id}' maximum of {profile.MaxValidityDays}");
        if (profile.Trust == TrustStyle.PublicTls && days > TlsValidityScheduleRule.MaxDaysOn(clock.GetUtcNow()))
            return new PolicyViolation("cabf.br.validity", $"validity of {days} days exceeds the CA/B Forum maximum of {TlsValidityScheduleRule.MaxDaysOn(clock.GetUtcNow())} days");

        var issuerNotAfter = issuer.Certificate is null ? (DateTimeOffset?)null : new DateTimeOffset(issuer.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var (notBefore, notAfter) = pipeline.Validity(days, issuerNotAfter);
        var template = new CertificateTemplate
        {
            Serial = SerialNumber.NewRandom(),
            Subject = subject.Value,
            PublicKey = publicKey,
            Sans = sans.Value,
            NotBefore = notBefore,
            NotAfter = notAfter,
            Profile = profile,
        };
        var issued = await pipeline.IssueAsync(issuer.AsIssuer(), template, request.RequestedBy, ct);
        if (issued.IsError) return issued.Error;
        var chain = await cas.ChainAsync(issuer.Id, ct);
        return new IssuanceResult(issued.Value, issued.Value.Der!, chain);
    }

    /// <summary>RFC 5280 4.2.1.10: a CA never signs a name its own constraints exclude; relying parties would reject it.</summary>
    private static PolicyViolation? NameConstraintViolation(CertificateAuthorityRecord ca, IReadOnlyList<SubjectAltName> sans)
    {
        foreach (var san in sans.Where(s => s.Type == SanType.Dns))
        {
            var name = san.Value.TrimStart('*', '.');
            if (ca.ExcludedDnsNames.Any(c => WithinSubtree(name, c)))
                return new PolicyViolation("rfc5280.name-constraints", $"'{san.Value}' is excluded by CA '{ca.Id}' name constraints");
            if (ca.PermittedDnsNames.Count > 0 && !ca.PermittedDnsNames.Any(c => WithinSubtree(name, c)))
                return new PolicyViolation("rfc5280.name-constraints", $"'{san.Value}' is outside CA '{ca.Id}' permitted names ({string.Join(", ", ca.PermittedDnsNames)})");
        }
        return null;
    }

    private static MalformedInput? CheckPassword(string password)
    {
        if (password.Length is 0 or > 256) return new MalformedInput("the PKCS#12 password must be 1 to 256 characters (or absent, to have one generated)");
        if (password.Any(char.IsControl)) return new MalformedInput("the PKCS#12 password must not contain control characters");
        try
        {
            _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetByteCount(password);
        }
        catch (EncoderFallbackException)
        {
            return new MalformedInput("the PKCS#12 password is not valid Unicode text");
        }
        return null;
    }

    private static bool WithinSubtree(string name, string constraint)
    {
        var c = constraint.TrimStart('.');
        return name.Equals(c, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + c, StringComparison.OrdinalIgnoreCase);
    }

    internal static PolicyViolation? CheckKey(CertificateProfile profile, SubjectKeyInfo key)
    {
        if (key.Type == "Ed25519")
            return profile.AllowEd25519 ? null : new PolicyViolation("key.type", $"profile '{profile.Id}' does not accept Ed25519 keys");
        if (key.Type == "RSA")
        {
            var min = Math.Max(2048, profile.MinRsaBits);
            if (!profile.AllowRsa) return new PolicyViolation("key.type", $"profile '{profile.Id}' does not accept RSA keys");
            if (key.Bits < min) return new PolicyViolation("key.strength", $"RSA {key.Bits} is too weak for profile '{profile.Id}'; at least {min} bits");
            return null;
        }
        return profile.AllowedCurves.Contains(key.Curve ?? "")
            ? null
            : new PolicyViolation("key.strength", $"EC curve {key.Curve} is not accepted by profile '{profile.Id}' (allowed: {string.Join(", ", profile.AllowedCurves)})");
    }

    internal static Result<IReadOnlyList<SubjectAltName>> ChooseSans(CertificateProfile profile, IReadOnlyList<string>? requested, IReadOnlyList<SubjectAltName> fromCsr)
    {
        var chosen = new List<SubjectAltName>();
        if (requested is not null)
        {
            if (requested.Count > profile.MaxSans) return new PolicyViolation("profile.san-count", $"{requested.Count} names exceed the profile's maximum of {profile.MaxSans}");
            foreach (var text in requested)
            {
                var parsed = SubjectAltName.Parse(text);
                if (parsed.IsError) return parsed.Error;
                chosen.Add(parsed.Value);
            }
        }
        else
        {
            chosen.AddRange(fromCsr);
        }
        chosen = chosen.Distinct().ToList();
        foreach (var san in chosen)
        {
            if (!profile.AllowedSanTypes.Contains(san.Type))
                return new PolicyViolation("profile.san-type", $"{san.Type.ToString().ToLowerInvariant()} names are not allowed by profile '{profile.Id}'");
            if (san.Type == SanType.Dns && DnsNames.IsWildcard(san.Value) && !profile.AllowWildcards)
                return new PolicyViolation("profile.wildcard", $"wildcard '{san.Value}' is not allowed by profile '{profile.Id}'");
        }
        if (chosen.Count > profile.MaxSans) return new PolicyViolation("profile.san-count", $"{chosen.Count} names exceed the profile's maximum of {profile.MaxSans}");
        if (profile.RequireSan && chosen.Count == 0) return new PolicyViolation("profile.san-required", $"profile '{profile.Id}' requires at least one subject alternative name");
        return chosen;
    }

    internal static Result<X500DistinguishedName> ChooseSubject(CertificateProfile profile, string? requested, X500DistinguishedName fromCsr, IReadOnlyList<SubjectAltName> sans)
    {
        X500DistinguishedName subject;
        if (requested is not null)
        {
            if (requested.Length > 1024) return new MalformedInput("the subject is longer than 1024 characters");
            try
            {
                subject = new X500DistinguishedName(requested.Trim());
            }
            catch (CryptographicException)
            {
                return new MalformedInput($"'{requested}' is not a distinguished name (for example CN=www.example.com,O=Example)");
            }
        }
        else
        {
            subject = fromCsr;
        }

        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements) return new PolicyViolation("profile.subject", "multi-valued RDNs are not allowed");
            var oid = rdn.GetSingleElementType().Value ?? "";
            var name = AttributeNames.GetValueOrDefault(oid, oid);
            if (!profile.AllowedSubjectAttributes.Contains(name))
                return new PolicyViolation("profile.subject", $"subject attribute {name} is not allowed by profile '{profile.Id}'");
            var value = rdn.GetSingleElementValue() ?? "";
            if (value.Length == 0 || value.Length > 64 && name != "E") return new PolicyViolation("profile.subject", $"subject attribute {name} must be 1 to 64 characters");
            if (name == "C" && (value.Length != 2 || !value.All(char.IsAsciiLetterUpper)))
                return new PolicyViolation("profile.subject", "country must be a two-letter ISO 3166 code in capitals");
        }

        // A subscriber with no subject gets its first name as CN for TLS profiles (BR 7.1.4.3 allows one of the SANs).
        if (subject.RawData.Length <= 2 && profile.AllowedSubjectAttributes.Contains("CN") && sans.FirstOrDefault(s => s.Type is SanType.Dns or SanType.Email) is { Value: { Length: > 0 and <= 64 } first })
        {
            var builder = new X500DistinguishedNameBuilder();
            builder.AddCommonName(first);
            subject = builder.Build();
        }
        return subject;
    }

    internal static string Format(DateTimeOffset d) => d.ToString("u", CultureInfo.InvariantCulture);
}
