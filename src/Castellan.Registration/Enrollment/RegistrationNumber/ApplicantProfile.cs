using System.Security.Cryptography;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Castellan.Authority.Profiles;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.Documents;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

/// <summary>The applicant's personal profile: the process status, the service and what was uploaded.</summary>
public sealed record ApplicantView(RegistrationApplication Application, RegistrationService Service, IReadOnlyList<RegistrationDocument> Documents,
    IReadOnlyList<string> BrowserAlgorithms);

/// <summary>
/// Seed 002 steps 3, 5, 7 and 9 from the applicant's side, always for the signed-in application only: download the
/// prefilled documents, upload the signed copies and hand them in, submit the electronic application (a CSR built
/// in the browser around a key that stays there) and download the certificate. Each step checks the stage and moves
/// it with one conditional update; a step in the wrong stage is refused and changes nothing.
/// </summary>
public sealed class ApplicantProfile(IRegistrationNumberStore store, IProductStore products, ProfileCatalog profiles, ICertificateStore certificates,
    CaDirectory cas, IAuditLog audit, TimeProvider clock)
{
    public const int MaxDocuments = 10;

    public async Task<Result<ApplicantView>> ReadAsync(string applicationId, CancellationToken ct)
    {
        var found = await FindAsync(applicationId, ct);
        if (found.IsError) return found.Error;
        var (application, service) = found.Value;
        var profile = await ProfileOfAsync(service, ct);
        var algorithms = new List<string>();
        if (profile?.AllowedCurves.Contains("P-256") == true) algorithms.Add("ECDSA P-256");
        if (profile?.AllowRsa == true) algorithms.Add(profile.MinRsaBits > 2048 ? "RSA 3072" : "RSA 2048");
        return new ApplicantView(application, service, await store.ListDocumentsAsync(application.Id, ct), algorithms);
    }

    /// <summary>The application and contract with the number filled in; available once the initial code was changed.</summary>
    public async Task<Result<byte[]>> DocumentsPdfAsync(string applicationId, CancellationToken ct)
    {
        var found = await FindAsync(applicationId, ct);
        if (found.IsError) return found.Error;
        var (application, service) = found.Value;
        if (application.Status == RegistrationStatus.Registered) return RegistrationNumbers.WrongStage(application, "download documents before changing the initial access code");
        return ApplicationForms.Build(application, service, clock.GetUtcNow());
    }

    /// <summary>A signed document (PDF, PNG or JPEG, sniffed; at most 5 MiB) while the documents are the applicant's to hand in.</summary>
    public async Task<Result<RegistrationDocument>> UploadAsync(string applicationId, DocumentUpload upload, string? address, CancellationToken ct)
    {
        var found = await FindAsync(applicationId, ct);
        if (found.IsError) return found.Error;
        var application = found.Value.Application;
        if (application.Status is not (RegistrationStatus.AccessCodeChanged or RegistrationStatus.DocumentsRejected))
            return RegistrationNumbers.WrongStage(application, "take documents");
        if (upload.Content.Length == 0) return new MalformedInput("the document is empty");
        if (upload.Content.Length > OrderDocuments.MaxBytes) return new DocumentTooLarge(OrderDocuments.MaxBytes);
        var type = DocumentTypes.Sniff(upload.Content);
        if (type is null) return new UnsupportedDocumentType("the document is not a PDF, PNG or JPEG file");
        var name = OrderDocuments.FileName(upload.FileName, type);
        if (name.IsError) return name.Error;
        if ((await store.ListDocumentsAsync(application.Id, ct)).Count >= MaxDocuments)
            return new PolicyViolation("registration.documents", $"an application has at most {MaxDocuments} documents");
        var document = new RegistrationDocument(Ids.New("rnd"), application.Id, application.AccountId, name.Value, type, upload.Content.Length,
            Convert.ToHexStringLower(SHA256.HashData(upload.Content)), clock.GetUtcNow());
        await store.AddDocumentAsync(document, upload.Content, ct);
        await RegistrationNumbers.AuditAsync(audit, Applicant(application, address), "registration.document-uploaded", application,
            new { document = document.Id, name = document.FileName, contentType = type, size = document.Size, sha256 = document.Sha256 });
        return document;
    }

    /// <summary>Hands the uploaded documents to the RA: AccessCodeChanged or DocumentsRejected -> DocumentsSubmitted.</summary>
    public async Task<Result<RegistrationApplication>> SubmitDocumentsAsync(string applicationId, string? address, CancellationToken ct)
    {
        var found = await FindAsync(applicationId, ct);
        if (found.IsError) return found.Error;
        var application = found.Value.Application;
        if (application.Status is not (RegistrationStatus.AccessCodeChanged or RegistrationStatus.DocumentsRejected))
            return RegistrationNumbers.WrongStage(application, "hand in documents");
        var documents = await store.ListDocumentsAsync(application.Id, ct);
        // After a rejection the applicant must bring something new, not hand the same papers in again.
        var since = application.DocumentsDecidedAt ?? DateTimeOffset.MinValue;
        if (!documents.Any(d => d.UploadedAt >= since))
            return new RegistrationFormInvalid([new FieldError("documents", application.Status == RegistrationStatus.DocumentsRejected
                ? "upload the corrected documents first" : "upload the signed documents first")]);
        var now = clock.GetUtcNow();
        var submitted = application with { Status = RegistrationStatus.DocumentsSubmitted, UpdatedAt = now };
        if (!await store.TransitionAsync(submitted, application.Status, application.AccessCodeHash, ct)) return new Conflict("the application changed meanwhile; reload");
        await RegistrationNumbers.AuditAsync(audit, Applicant(application, address), "registration.documents-submitted", submitted, new { documents = documents.Count });
        return submitted;
    }

    /// <summary>
    /// Step 7, the electronic application: DocumentsAccepted -> ApplicationSubmitted with a CSR whose signature verifies
    /// and whose key suits the profile. Its subject and names are ignored: the certificate names the registered person.
    /// </summary>
    public async Task<Result<RegistrationApplication>> SubmitApplicationAsync(string applicationId, string? csr, string? address, CancellationToken ct)
    {
        var found = await FindAsync(applicationId, ct);
        if (found.IsError) return found.Error;
        var (application, service) = found.Value;
        if (application.Status != RegistrationStatus.DocumentsAccepted) return RegistrationNumbers.WrongStage(application, "take the electronic application");
        var profile = await ProfileOfAsync(service, ct);
        if (profile is null) return new NotFound("product", $"product '{service.ProductId}' does not exist");
        var checkedCsr = SubmitEnrolment.CheckCsr(csr, profile);
        if (checkedCsr.IsError) return new RegistrationFormInvalid([new FieldError("csr", checkedCsr.Error.Detail)]);
        var now = clock.GetUtcNow();
        var submitted = application with { Status = RegistrationStatus.ApplicationSubmitted, Csr = checkedCsr.Value, SubmittedAt = now, UpdatedAt = now };
        if (!await store.TransitionAsync(submitted, RegistrationStatus.DocumentsAccepted, application.AccessCodeHash, ct)) return new Conflict("the application changed meanwhile; reload");
        await RegistrationNumbers.AuditAsync(audit, Applicant(application, address), "registration.application-submitted", submitted);
        return submitted;
    }

    /// <summary>Step 9: the issued certificate and its chain (PEM); a certificate is no secret, so it stays downloadable.</summary>
    public async Task<Result<(string Certificate, string Chain)>> CertificateAsync(string applicationId, CancellationToken ct)
    {
        var found = await FindAsync(applicationId, ct);
        if (found.IsError) return found.Error;
        var application = found.Value.Application;
        if (application.Status != RegistrationStatus.Issued || application.CertificateSerial is not { } s || !SerialNumber.TryParse(s, out var serial))
            return RegistrationNumbers.WrongStage(application, "hand out a certificate");
        var cert = await certificates.GetAsync(serial, ct);
        if (cert?.Der is null) return new Conflict("the certificate is not available");
        var chain = await cas.ChainAsync(cert.CaId, ct);
        return (PemEncoding.WriteString("CERTIFICATE", cert.Der) + "\n", string.Concat(chain.Select(c => PemEncoding.WriteString("CERTIFICATE", c.RawData) + "\n")));
    }

    internal async Task<CertificateProfile?> ProfileOfAsync(RegistrationService service, CancellationToken ct)
    {
        var product = await products.GetAsync(service.ProductId, ct);
        if (product is null) return null;
        var profile = await profiles.FindAsync(product.ProfileId, ct);
        return profile.IsError ? null : profile.Value;
    }

    private async Task<Result<(RegistrationApplication Application, RegistrationService Service)>> FindAsync(string applicationId, CancellationToken ct)
    {
        var application = await store.GetApplicationAsync(applicationId, ct);
        var service = application is null ? null : await store.GetServiceAsync(application.ServiceId, ct);
        if (application is null || service is null) return new NotFound("application", "the application does not exist");
        return (application, service);
    }

    private static RequestOrigin Applicant(RegistrationApplication a, string? address) => new($"applicant:{a.Number}", address);
}
