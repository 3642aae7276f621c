using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Authority.KeyStores;
using Castellan.Authority.Profiles;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Hierarchy;

/// <summary>What an operator asks for when creating a CA.</summary>
public sealed record CreateCaRequest
{
    public required string Id { get; init; }
    public required string Subject { get; init; }

    /// <summary>Parent CA id; null creates a self-signed root. Ignored when <see cref="External"/>.</summary>
    public string? ParentId { get; init; }

    /// <summary>Generate the key and a CSR for an external root to sign; the CA waits for the signed certificate.</summary>
    public bool External { get; init; }

    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcP256;
    public int ValidityDays { get; init; } = 5 * 365;
    public int? PathLength { get; init; }
    public IReadOnlyList<string> PermittedDnsNames { get; init; } = [];
    public IReadOnlyList<string> ExcludedDnsNames { get; init; } = [];
    public required string Actor { get; init; }
}

/// <summary>Creates, imports, disables and rotates CAs; keeps each CA's delegated OCSP responder current.</summary>
public sealed class CaHierarchy(ICaStore store, CaDirectory directory, KeyCustody custody, IssuancePipeline pipeline,
    IAuditLog audit, IOptions<AuthorityOptions> options, TimeProvider clock)
{
    private static readonly CertificateProfile RootProfile = BuiltInProfiles.SubordinateCa with
    {
        Id = "root-ca", Name = "Root CA", MaxValidityDays = 25 * 366, IncludeCrlDistributionPoint = false, IncludeCaIssuersUrl = false,
    };

    /// <summary>First start: a P-384 root and a P-256 issuing CA (configurable), each with its OCSP responder.</summary>
    public async Task<bool> InitialiseAsync(CancellationToken ct)
    {
        if ((await store.ListAsync(ct)).Count > 0) return false;
        var o = options.Value;
        if (!KeyAlgorithms.TryParse(o.RootKeyAlgorithm, out var rootAlg)) throw new InvalidOperationException($"unknown root key algorithm '{o.RootKeyAlgorithm}'");
        if (!KeyAlgorithms.TryParse(o.IssuingKeyAlgorithm, out var issuingAlg)) throw new InvalidOperationException($"unknown issuing key algorithm '{o.IssuingKeyAlgorithm}'");
        var root = await CreateAsync(new CreateCaRequest
        {
            Id = "root", Subject = o.RootSubject, KeyAlgorithm = rootAlg, ValidityDays = o.RootValidityYears * 365, PathLength = 1, Actor = "system",
        }, ct);
        if (root.IsError) throw new InvalidOperationException("creating the root CA failed: " + root.Error.Detail);
        var issuing = await CreateAsync(new CreateCaRequest
        {
            Id = "issuing-1", ParentId = "root", Subject = o.IssuingSubject, KeyAlgorithm = issuingAlg, ValidityDays = o.IssuingValidityYears * 365,
            PathLength = 0, Actor = "system",
        }, ct);
        if (issuing.IsError) throw new InvalidOperationException("creating the issuing CA failed: " + issuing.Error.Detail);
        return true;
    }

    public async Task<Result<CertificateAuthorityRecord>> CreateAsync(CreateCaRequest request, CancellationToken ct)
    {
        if (!IsValidId(request.Id)) return new MalformedInput("a CA id is 1 to 40 lower-case letters, digits and hyphens");
        if (await store.GetAsync(request.Id, ct) is not null) return new Conflict($"CA '{request.Id}' already exists");
        X500DistinguishedName subject;
        try
        {
            subject = new X500DistinguishedName(request.Subject);
            if (subject.RawData.Length <= 2) return new MalformedInput("a CA needs a non-empty subject");
            if (CheckCaSubject(subject) is { } bad) return bad;
        }
        catch (CryptographicException)
        {
            return new MalformedInput($"'{request.Subject}' is not a distinguished name");
        }
        if (request.ValidityDays is < 1 or > 25 * 366) return new MalformedInput("CA validity must be between 1 day and 25 years");
        if (request.PathLength is < 0 or > 10) return new MalformedInput("path length must be between 0 and 10");
        foreach (var name in request.PermittedDnsNames.Concat(request.ExcludedDnsNames))
        {
            if (!DnsNames.IsWellFormed(name.TrimStart('.'), out var why)) return new MalformedInput($"name constraint '{name}' is not a DNS name: {why}");
        }

        LoadedCa? parent = null;
        if (!request.External && request.ParentId is { } parentId)
        {
            parent = await directory.FindAsync(parentId, ct);
            if (parent is null) return new NotFound("ca", $"parent CA '{parentId}' does not exist");
            if (!parent.Record.CanIssue) return new Conflict($"parent CA '{parentId}' cannot issue");
            var parentPath = parent.Certificate!.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            if (parentPath is { HasPathLengthConstraint: true, PathLengthConstraint: 0 })
                return new PolicyViolation("rfc5280.path-length", $"parent CA '{parentId}' has path length 0 and cannot sign another CA");
        }

        var key = await custody.GenerateAsync(request.KeyAlgorithm, request.Id, ct);
        var signing = custody.Open(key, request.KeyAlgorithm);
        await audit.AppendAsync(new AuditEvent(request.Actor, "key.generated", $"ca:{request.Id}",
            JsonSerializer.Serialize(new { ca = request.Id, store = key.Store, algorithm = request.KeyAlgorithm.Name() })), ct);

        var record = new CertificateAuthorityRecord
        {
            Id = request.Id,
            Name = subject.GetCommonName() ?? request.Id,
            Kind = parent is null && !request.External ? CaKind.Root : CaKind.Intermediate,
            ParentId = request.External ? null : request.ParentId,
            SubjectDn = subject.Name,
            KeyAlgorithm = request.KeyAlgorithm,
            Key = key,
            Status = CaStatus.Active,
            PathLength = request.PathLength,
            CreatedAt = clock.GetUtcNow(),
            PermittedDnsNames = request.PermittedDnsNames,
            ExcludedDnsNames = request.ExcludedDnsNames,
        };

        if (request.External)
        {
            var csr = new CertificateRequest(subject, signing.PublicKey, signing.Hash);
            csr.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, request.PathLength.HasValue, request.PathLength ?? 0, true));
            csr.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            record = record with { Status = CaStatus.AwaitingCertificate, CsrDer = csr.CreateSigningRequest(signing.Generator) };
        }
        else
        {
            var profile = parent is null ? RootProfile : BuiltInProfiles.SubordinateCa with { MaxValidityDays = 25 * 366 };
            var (notBefore, notAfter) = pipeline.Validity(request.ValidityDays,
                parent?.Certificate is { } pc ? new DateTimeOffset(pc.NotAfter.ToUniversalTime(), TimeSpan.Zero) : null);
            var template = new CertificateTemplate
            {
                Serial = SerialNumber.NewRandom(), Subject = subject, PublicKey = signing.PublicKey, Sans = [], NotBefore = notBefore, NotAfter = notAfter,
                Profile = profile, PathLength = request.PathLength, PermittedDnsNames = request.PermittedDnsNames, ExcludedDnsNames = request.ExcludedDnsNames,
            };
            var issuer = parent?.AsIssuer() ?? new IssuerContext(record, subject, new X509SubjectKeyIdentifierExtension(signing.PublicKey, false).SubjectKeyIdentifierBytes.ToArray(), signing);
            var issued = await pipeline.IssueAsync(issuer, template, request.Actor, ct);
            if (issued.IsError) return issued.Error;
            record = record with { CertificateDer = issued.Value.Der, NotAfter = notAfter };
        }

        if (!await store.AddAsync(record, ct)) return new Conflict($"CA '{request.Id}' already exists");
        await audit.AppendAsync(new AuditEvent(request.Actor, "ca.created", $"ca:{record.Id}",
            JsonSerializer.Serialize(new { ca = record.Id, subject = record.SubjectDn, parent = record.ParentId, external = request.External, record.PathLength })), ct);
        directory.Invalidate();
        if (record.CertificateDer is not null) record = await EnsureOcspResponderAsync(record.Id, request.Actor, ct) ?? record;
        return record;
    }

    /// <summary>Imports the certificate an external root signed for a CA created with <see cref="CreateCaRequest.External"/>.</summary>
    public async Task<Result<CertificateAuthorityRecord>> ImportCertificateAsync(string id, string pem, string actor, CancellationToken ct)
    {
        var ca = await store.GetAsync(id, ct);
        if (ca is null) return new NotFound("ca", $"CA '{id}' does not exist");
        if (ca.Status != CaStatus.AwaitingCertificate) return new Conflict($"CA '{id}' is not waiting for a certificate");
        var certs = new X509Certificate2Collection();
        try
        {
            if (string.IsNullOrWhiteSpace(pem) || pem.Length > 1_000_000) return new MalformedInput("the certificate PEM is empty or too large");
            certs.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return new MalformedInput("the certificate PEM could not be read");
        }
        if (certs.Count == 0) return new MalformedInput("no CERTIFICATE PEM block was found in the upload");
        var signing = custody.Open(ca.Key, ca.KeyAlgorithm);
        var ours = certs.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(signing.PublicKey.ExportSubjectPublicKeyInfo()));
        if (ours is null) return new PolicyViolation("ca.import.key", "no certificate in the upload carries this CA's public key");
        if (ours.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            return new PolicyViolation("ca.import.basic-constraints", "the signed certificate is not a CA certificate (basicConstraints cA=TRUE)");
        var rest = certs.Where(c => c != ours).ToList();
        var issuer = rest.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(ours.IssuerName.RawData));
        if (issuer is null) return new MalformedInput("include the external issuer's certificate (and its chain) after the signed certificate");
        if (!VerifiedBy(ours, issuer)) return new PolicyViolation("ca.import.signature", "the signed certificate does not verify under the supplied issuer");
        var chainPem = string.Concat(rest.Select(c => c.ExportCertificatePem() + "\n"));
        var updated = ca with
        {
            CertificateDer = ours.RawData, Status = CaStatus.Active, NotAfter = new DateTimeOffset(ours.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            ExternalChainPem = chainPem,
        };
        await store.UpdateAsync(updated, ct);
        await audit.AppendAsync(new AuditEvent(actor, "ca.certificate-imported", $"ca:{id}",
            JsonSerializer.Serialize(new { ca = id, issuer = ours.Issuer, serial = ours.SerialNumber })), ct);
        directory.Invalidate();
        return await EnsureOcspResponderAsync(id, actor, ct) ?? updated;
    }

    public async Task<Result<CertificateAuthorityRecord>> DisableAsync(string id, string actor, CancellationToken ct)
    {
        var ca = await store.GetAsync(id, ct);
        if (ca is null) return new NotFound("ca", $"CA '{id}' does not exist");
        if (ca.Status == CaStatus.Disabled) return new Conflict($"CA '{id}' is already disabled");
        var updated = ca with { Status = CaStatus.Disabled };
        await store.UpdateAsync(updated, ct);
        await audit.AppendAsync(new AuditEvent(actor, "ca.disabled", $"ca:{id}", JsonSerializer.Serialize(new { ca = id })), ct);
        directory.Invalidate();
        return updated;
    }

    /// <summary>Rotation: a new CA with a new key under the same parent takes over issuance; the old one is retired
    /// and keeps signing CRLs and OCSP for what it issued.</summary>
    public async Task<Result<CertificateAuthorityRecord>> RotateAsync(string id, string newId, string actor, CancellationToken ct)
    {
        var old = await store.GetAsync(id, ct);
        if (old is null) return new NotFound("ca", $"CA '{id}' does not exist");
        if (old.Kind != CaKind.Intermediate || old.ParentId is null) return new PolicyViolation("ca.rotate", "only intermediates signed by a CA here can be rotated");
        if (old.Status != CaStatus.Active) return new Conflict($"CA '{id}' is not active");
        var created = await CreateAsync(new CreateCaRequest
        {
            Id = newId, ParentId = old.ParentId, Subject = NextSubject(old.SubjectDn, newId), KeyAlgorithm = old.KeyAlgorithm,
            ValidityDays = Math.Max(1, (int)((old.NotAfter ?? clock.GetUtcNow().AddYears(5)) - old.CreatedAt).TotalDays), PathLength = old.PathLength,
            PermittedDnsNames = old.PermittedDnsNames, ExcludedDnsNames = old.ExcludedDnsNames, Actor = actor,
        }, ct);
        if (created.IsError) return created.Error;
        await store.UpdateAsync(old with { Status = CaStatus.Retired, ReplacedBy = newId }, ct);
        await audit.AppendAsync(new AuditEvent(actor, "ca.rotated", $"ca:{id}", JsonSerializer.Serialize(new { ca = id, replacement = newId })), ct);
        directory.Invalidate();
        return created;
    }

    /// <summary>Issues (or renews, when a third of its life is left) the CA's delegated OCSP responder certificate.</summary>
    public async Task<CertificateAuthorityRecord?> EnsureOcspResponderAsync(string caId, string actor, CancellationToken ct)
    {
        var ca = await directory.FindAsync(caId, ct);
        if (ca?.Certificate is null) return null;
        var now = clock.GetUtcNow();
        if (ca.OcspResponder is { } current)
        {
            var life = current.NotAfter - current.NotBefore;
            if (current.NotAfter.ToUniversalTime() - now.UtcDateTime > life / 3) return ca.Record;
        }
        var key = await custody.GenerateAsync(KeyAlgorithm.EcP256, $"{caId}-ocsp", ct);
        await audit.AppendAsync(new AuditEvent(actor, "key.generated", $"ca:{caId}",
            JsonSerializer.Serialize(new { ca = caId, purpose = "ocsp-responder", store = key.Store, algorithm = KeyAlgorithm.EcP256.Name() })), ct);
        var signing = custody.Open(key, KeyAlgorithm.EcP256);
        var days = options.Value.OcspResponderValidityDays;
        var (notBefore, notAfter) = pipeline.Validity(days, new DateTimeOffset(ca.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        var subject = new X500DistinguishedName($"CN={Escape(ca.Record.Name)} OCSP Responder");
        var template = new CertificateTemplate
        {
            Serial = SerialNumber.NewRandom(), Subject = subject, PublicKey = signing.PublicKey, Sans = [], NotBefore = notBefore, NotAfter = notAfter,
            Profile = BuiltInProfiles.OcspSigning with { MaxValidityDays = Math.Max(days, 1) },
        };
        var issued = await pipeline.IssueAsync(ca.AsIssuer(), template, actor, ct);
        if (issued.IsError) throw new InvalidOperationException("issuing the OCSP responder certificate failed: " + issued.Error.Detail);
        var updated = ca.Record with { OcspResponderCertificateDer = issued.Value.Der, OcspResponderKey = key };
        await store.UpdateAsync(updated, ct);
        directory.Invalidate();
        return updated;
    }

    /// <summary>RFC 5280 4.1.2.4 / BR 7.1.4.3: CA names use the usual attributes, a two-letter ISO 3166 country and
    /// values of at most 64 characters (the X.520 upper bounds), exactly as subscriber subjects are checked.</summary>
    private static MalformedInput? CheckCaSubject(X500DistinguishedName subject)
    {
        var allowed = new Dictionary<string, string>
        {
            ["2.5.4.3"] = "CN", ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.6"] = "C",
            ["2.5.4.97"] = "organizationIdentifier", ["2.5.4.5"] = "SERIALNUMBER",
        };
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements) return new MalformedInput("a CA subject must not have multi-valued RDNs");
            var oid = rdn.GetSingleElementType().Value ?? "";
            if (!allowed.TryGetValue(oid, out var name)) return new MalformedInput($"subject attribute {oid} is not allowed in a CA name");
            var value = rdn.GetSingleElementValue() ?? "";
            if (value.Length is 0 or > 64) return new MalformedInput($"subject attribute {name} must be 1 to 64 characters");
            if (name == "C" && (value.Length != 2 || !value.All(char.IsAsciiLetterUpper)))
                return new MalformedInput("country must be a two-letter ISO 3166 code in capitals");
        }
        return null;
    }

    private static bool VerifiedBy(X509Certificate2 cert, X509Certificate2 issuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreEndRevocationUnknown | X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.ExtraStore.Add(issuer);
        chain.Build(cert);
        return chain.ChainElements.Count >= 2 && chain.ChainStatus.All(s => s.Status is X509ChainStatusFlags.NoError or X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain);
    }

    private static string NextSubject(string dn, string newId)
    {
        var cn = new X500DistinguishedName(dn).GetCommonName() ?? "Castellan Issuing CA";
        return $"CN={Escape(cn)} ({newId})";
    }

    private static string Escape(string value) => value.Replace(",", "\\,", StringComparison.Ordinal).Replace("+", "\\+", StringComparison.Ordinal);

    private static bool IsValidId(string id) =>
        id.Length is >= 1 and <= 40 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && id[0] != '-';
}

internal static class DistinguishedNames
{
    public static string? GetCommonName(this X500DistinguishedName name)
    {
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3") return rdn.GetSingleElementValue();
        }
        return null;
    }
}
