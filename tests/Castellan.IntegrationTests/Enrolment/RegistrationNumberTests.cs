using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.Auditing;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;
using Castellan.Registration.Contracts;
using Castellan.Registration.Enrollment.RegistrationNumber;
using Castellan.Registration.Orders.Documents;
using Castellan.Storage;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace Castellan.IntegrationTests.Enrolment;

/// <summary>
/// Seed 002 registration-number enrolment (docs/flows/registration-number-enrolment.md) against a real server and
/// database: the whole journey to a certificate openssl verifies, the access code kept only as a PBKDF2 hash with
/// lockout and no reuse, uploads refused by size and type, every action in the wrong stage refused with nothing
/// changed, racing officers, tenants that never see each other's applications, and the audit trail.
/// </summary>
public abstract class RegistrationNumberTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string NewCode = "my-own-access-code-2026";
    private static readonly string[] Checklist = ["Signed application", "Signed contract", "Notarised ID copy"];

    [Fact]
    public async Task The_whole_journey_issues_a_certificate_for_the_registered_person_that_openssl_verifies_and_audits_every_step()
    {
        var (admin, _) = await TenantAsync();
        var service = await ServiceAsync(admin);
        var email = RegistrationServer.NewEmail("signatory");

        // 1. Public registration; number and initial code arrive by mail, and only the code's PBKDF2 hash is stored.
        var (number, code) = await RegisterAsync(service, "Ivana Petrova", email);
        Assert.Matches("^RN-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", number);
        var row = await RowAsync(number);
        Assert.StartsWith("pbkdf2-sha256$600000$", row.AccessCodeHash);
        Assert.DoesNotContain(code, row.AccessCodeHash, StringComparison.Ordinal);
        Assert.Equal(nameof(RegistrationStatus.Registered), row.Status);

        // 2. Sign in and change the initial code; documents wait until then.
        var id = (await Access.SignInAsync(number.ToLowerInvariant().Replace("-", " "), code, null, default)).Value.Id;
        Assert.IsType<WrongRegistrationStage>((await Profile.DocumentsPdfAsync(id, default)).Error);
        Assert.Equal(RegistrationStatus.AccessCodeChanged, (await Access.ChangeCodeAsync(id, code, NewCode, NewCode, null, default)).Value.Status);

        // 3. The PDF carries the number and name; the signed copy is uploaded and handed in.
        var pdf = (await Profile.DocumentsPdfAsync(id, default)).Value;
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join("\n", document.GetPages().Select(p => p.Text));
            Assert.Contains(number, text, StringComparison.Ordinal);
            Assert.Contains("Ivana Petrova", text, StringComparison.Ordinal);
            Assert.Contains("Notarised ID copy", text, StringComparison.Ordinal);
        }
        Assert.False((await Profile.UploadAsync(id, new DocumentUpload("signed.pdf", "application/pdf", pdf), null, default)).IsError);
        Assert.Equal(RegistrationStatus.DocumentsSubmitted, (await Profile.SubmitDocumentsAsync(id, null, default)).Value.Status);

        // 4. The RA officer sees it with its checklist and document, and accepts.
        var detail = await Get(admin, $"/api/v1/registration-applications/{id}");
        Assert.Equal(Checklist, detail.GetProperty("checklist").EnumerateArray().Select(c => c.GetString()!).ToArray());
        var documentId = detail.GetProperty("documents")[0].GetProperty("id").GetString();
        using (var download = await admin.GetAsync($"/api/v1/registration-applications/{id}/documents/{documentId}"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal("DocumentsAccepted", await ActAsync(admin, id, "documents/accept", new { @checked = Checklist }));

        // 7. The electronic application: a CSR whose own subject and names are ignored.
        var dir = TestPaths.NewDirectory("rn-journey");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=Mallory/emailAddress=ceo@example.com", "email:ceo@example.com"));
        Assert.Equal(RegistrationStatus.ApplicationSubmitted, (await Profile.SubmitApplicationAsync(id, csr, null, default)).Value.Status);

        // 8. Payment and verification issue the certificate.
        Assert.Equal("PaymentRecorded", await ActAsync(admin, id, "payment", new { amount = 25.00m, reference = "BANK-2026-0042" }));
        Assert.Equal("Issued", await ActAsync(admin, id, "verify", new { }));

        // 9. The certificate names the registered address only and chains to the CA.
        var (certificate, chain) = (await Profile.CertificateAsync(id, default)).Value;
        var leaf = Path.Combine(dir, "leaf.pem");
        var chainFile = Path.Combine(dir, "chain.pem");
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(leaf, certificate);
        await File.WriteAllTextAsync(chainFile, chain);
        await File.WriteAllTextAsync(root, Tools.SplitPem(chain)[^1]);
        Assert.EndsWith(": OK", (await CertificateChecks.VerifyAsync(root, chainFile, leaf)).StdOut.Trim());
        var sans = await CertificateChecks.SubjectAltNamesAsync(leaf);
        Assert.Contains($"email:{email}", sans, StringComparison.Ordinal);
        Assert.DoesNotContain("ceo@example.com", sans, StringComparison.Ordinal);

        var actions = (await server.Get<IAuditLog>().SearchAsync(null, $"registration:{id}", 0, 100, default)).Select(e => e.Action).ToHashSet();
        foreach (var expected in new[] { "registration.registered", "registration.signed-in", "registration.access-code-changed", "registration.document-uploaded",
                     "registration.documents-submitted", "registration.document-downloaded", "registration.documents-accepted", "registration.application-submitted",
                     "registration.payment-recorded", "registration.verified", "registration.issued" })
            Assert.Contains(expected, actions);
        var all = await server.Get<IAuditLog>().SearchAsync(null, $"registration:{id}", 0, 100, default);
        Assert.DoesNotContain(all, e => e.DetailsJson.Contains(code, StringComparison.Ordinal) || e.DetailsJson.Contains(NewCode, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_codes_lock_the_sign_in_and_an_unknown_number_answers_like_a_wrong_code()
    {
        var (admin, _) = await TenantAsync();
        var (number, code) = await RegisterAsync(await ServiceAsync(admin), "Lock Tester", RegistrationServer.NewEmail("lock"));

        var unknown = await Access.SignInAsync("RN-00000-00000", code, null, default);
        Assert.Equal("the registration number or access code is wrong", unknown.Error!.Detail);
        var first = await Access.SignInAsync(number, "WRONG-CODE-0000", null, default);
        Assert.Equal(4, Assert.IsType<AccessCodeRefused>(first.Error).AttemptsLeft);
        for (var i = 0; i < 3; i++) Assert.IsType<AccessCodeRefused>((await Access.SignInAsync(number, "WRONG-CODE-0000", null, default)).Error);
        Assert.IsType<AccessCodeLocked>((await Access.SignInAsync(number, "WRONG-CODE-0000", null, default)).Error);
        // Locked: even the right code is refused, without being checked.
        Assert.IsType<AccessCodeLocked>((await Access.SignInAsync(number, code, null, default)).Error);
        Assert.Equal(5, (await RowAsync(number)).FailedSignIns);
        Assert.IsType<RegistrationFormInvalid>((await Access.SignInAsync("not a number", code, null, default)).Error);
        Assert.Contains("registration.sign-in-locked", (await server.Get<IAuditLog>().SearchAsync(null, $"registration:{(await RowAsync(number)).Id}", 0, 50, default)).Select(e => e.Action));
    }

    [Fact]
    public async Task Changing_the_code_refuses_a_wrong_current_code_a_weak_one_and_reuse_of_the_current_one_and_then_only_the_new_code_works()
    {
        var (admin, _) = await TenantAsync();
        var (number, code) = await RegisterAsync(await ServiceAsync(admin), "Code Changer", RegistrationServer.NewEmail("code"));
        var id = (await Access.SignInAsync(number, code, null, default)).Value.Id;

        Assert.Equal("currentCode", Field(await Access.ChangeCodeAsync(id, "not-the-code-at-all", NewCode, NewCode, null, default)));
        Assert.Equal("newCode", Field(await Access.ChangeCodeAsync(id, code, "short", "short", null, default)));
        Assert.Equal("newCode", Field(await Access.ChangeCodeAsync(id, code, code, code, null, default)));
        Assert.Equal("confirmCode", Field(await Access.ChangeCodeAsync(id, code, NewCode, NewCode + "x", null, default)));
        Assert.Equal(nameof(RegistrationStatus.Registered), (await RowAsync(number)).Status);

        Assert.False((await Access.ChangeCodeAsync(id, code, NewCode, NewCode, null, default)).IsError);
        Assert.IsType<AccessCodeRefused>((await Access.SignInAsync(number, code, null, default)).Error);
        Assert.False((await Access.SignInAsync(number, NewCode, null, default)).IsError);
        // The old code cannot come back either.
        Assert.Equal("newCode", Field(await Access.ChangeCodeAsync(id, NewCode, NewCode, NewCode, null, default)));
    }

    [Fact]
    public async Task Uploads_that_are_too_large_of_the_wrong_type_or_in_the_wrong_stage_are_refused_and_nothing_is_stored()
    {
        var (admin, _) = await TenantAsync();
        var id = await ChangedAsync(await ServiceAsync(admin), "Upload Tester");

        Assert.IsType<DocumentTooLarge>((await Profile.UploadAsync(id, new DocumentUpload("big.pdf", "application/pdf", Pdf(OrderDocuments.MaxBytes + 1)), null, default)).Error);
        Assert.IsType<UnsupportedDocumentType>((await Profile.UploadAsync(id, new DocumentUpload("a.exe", null, "MZ\x90\0not a document"u8.ToArray()), null, default)).Error);
        Assert.IsType<UnsupportedDocumentType>((await Profile.UploadAsync(id, new DocumentUpload("scan.png", "image/png", Pdf(100)), null, default)).Error);
        Assert.IsType<MalformedInput>((await Profile.UploadAsync(id, new DocumentUpload("../../etc/passwd.pdf", "application/pdf", Pdf(100)), null, default)).Error);
        Assert.Empty(await Store.ListDocumentsAsync(id, default));
        // Nothing uploaded: handing in is refused by the documents field.
        Assert.Equal("documents", Field(await Profile.SubmitDocumentsAsync(id, null, default)));

        Assert.False((await Profile.UploadAsync(id, new DocumentUpload("signed.pdf", "application/pdf", Pdf(100)), null, default)).IsError);
        Assert.False((await Profile.SubmitDocumentsAsync(id, null, default)).IsError);
        // Handed in: the documents are the RA's to judge now.
        Assert.IsType<WrongRegistrationStage>((await Profile.UploadAsync(id, new DocumentUpload("late.pdf", "application/pdf", Pdf(100)), null, default)).Error);
        Assert.Single(await Store.ListDocumentsAsync(id, default));
    }

    [Fact]
    public async Task Actions_in_the_wrong_stage_or_with_bad_input_answer_a_clear_problem_and_change_nothing()
    {
        var (admin, _) = await TenantAsync();
        var service = await ServiceAsync(admin);
        var id = await ChangedAsync(service, "Stage Tester");

        using (var early = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/documents/accept", new { @checked = Checklist }))
            Assert.Equal("registration.stage", (await ProblemAsync(early, HttpStatusCode.Conflict, "is AccessCodeChanged; it cannot have its documents accepted")).GetProperty("rule").GetString());
        using (var pay = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/payment", new { amount = 25m, reference = "R1" }))
            await ProblemAsync(pay, HttpStatusCode.Conflict, "cannot have a payment recorded");
        using (var verify = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/verify", new { }))
            await ProblemAsync(verify, HttpStatusCode.Conflict, "cannot be verified");
        Assert.IsType<WrongRegistrationStage>((await Profile.SubmitApplicationAsync(id, "csr", null, default)).Error);
        Assert.Equal(nameof(RegistrationStatus.AccessCodeChanged), (await RowAsync(id: id)).Status);

        await Profile.UploadAsync(id, new DocumentUpload("signed.pdf", "application/pdf", Pdf(100)), null, default);
        await Profile.SubmitDocumentsAsync(id, null, default);
        // Not every checklist item confirmed; no reason for a rejection.
        using (var partial = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/documents/accept", new { @checked = Checklist[..2] }))
        {
            var problem = await ProblemAsync(partial, HttpStatusCode.UnprocessableEntity, "unchecked: Notarised ID copy");
            Assert.Equal("checklist", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }
        using (var noReason = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/documents/reject", new { reason = "  " }))
            await ProblemAsync(noReason, HttpStatusCode.UnprocessableEntity, "give the reason");
        using (var badStatus = await admin.GetAsync("/api/v1/registration-applications?status=Paid"))
            await ProblemAsync(badStatus, HttpStatusCode.BadRequest, "'status' must be one of");
        using (var badRegistration = await server.Anonymous.PostAsJsonAsync("/api/v1/registration-applications", new { serviceId = service, fullName = "", email = "nope" }))
        {
            var problem = await ProblemAsync(badRegistration, HttpStatusCode.UnprocessableEntity, "full name");
            Assert.Equal(["fullName", "email"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToArray());
        }
        Assert.Equal(nameof(RegistrationStatus.DocumentsSubmitted), (await RowAsync(id: id)).Status);

        // A CSR carrying a private key is refused by the CSR field and not kept.
        await ActAsync(admin, id, "documents/accept", new { @checked = Checklist });
        var dir = TestPaths.NewDirectory("rn-stage");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=x", null));
        var key = await File.ReadAllTextAsync(Path.Combine(dir, "key.pem"));
        Assert.Equal("csr", Field(await Profile.SubmitApplicationAsync(id, key + csr, null, default)));
        Assert.Null((await RowAsync(id: id)).Csr);
        await Profile.SubmitApplicationAsync(id, csr, null, default);
        using (var under = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/payment", new { amount = 10m, reference = "R2" }))
            await ProblemAsync(under, HttpStatusCode.UnprocessableEntity, "does not cover it");
        using (var negative = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/payment", new { amount = -5m, reference = "" }))
            Assert.Equal(2, (await ProblemAsync(negative, HttpStatusCode.UnprocessableEntity, "amount")).GetProperty("errors").GetArrayLength());
        Assert.Equal(nameof(RegistrationStatus.ApplicationSubmitted), (await RowAsync(id: id)).Status);
    }

    [Fact]
    public async Task Rejected_documents_go_back_to_the_applicant_with_the_reason_and_need_a_new_upload()
    {
        var (admin, _) = await TenantAsync();
        var id = await ChangedAsync(await ServiceAsync(admin), "Reject Tester");
        await Profile.UploadAsync(id, new DocumentUpload("signed.pdf", "application/pdf", Pdf(100)), null, default);
        await Profile.SubmitDocumentsAsync(id, null, default);

        Assert.Equal("DocumentsRejected", await ActAsync(admin, id, "documents/reject", new { reason = "The contract is not notarised." }));
        var view = (await Profile.ReadAsync(id, default)).Value;
        Assert.Equal("The contract is not notarised.", view.Application.Reason);
        Assert.Contains("The contract is not notarised.", (await server.LastMessageAsync(view.Application.Email)).Body, StringComparison.Ordinal);
        // The same papers again are not enough.
        Assert.Equal("documents", Field(await Profile.SubmitDocumentsAsync(id, null, default)));
        await Profile.UploadAsync(id, new DocumentUpload("notarised.pdf", "application/pdf", Pdf(120)), null, default);
        Assert.Equal(RegistrationStatus.DocumentsSubmitted, (await Profile.SubmitDocumentsAsync(id, null, default)).Value.Status);
        Assert.Equal("DocumentsAccepted", await ActAsync(admin, id, "documents/accept", new { @checked = Checklist }));
    }

    [Fact]
    public async Task Of_two_officers_accepting_at_once_exactly_one_wins()
    {
        var (admin, _) = await TenantAsync();
        var id = await ChangedAsync(await ServiceAsync(admin), "Race Tester");
        await Profile.UploadAsync(id, new DocumentUpload("signed.pdf", "application/pdf", Pdf(100)), null, default);
        await Profile.SubmitDocumentsAsync(id, null, default);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/documents/accept", new { @checked = Checklist })));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        foreach (var r in responses) r.Dispose();
        Assert.Single(await server.Get<IAuditLog>().SearchAsync("registration.documents-accepted", $"registration:{id}", 0, 10, default));
    }

    [Fact]
    public async Task An_RA_officer_of_another_account_never_sees_or_acts_on_an_application()
    {
        var (adminA, _) = await TenantAsync();
        var (adminB, _) = await TenantAsync();
        var id = await ChangedAsync(await ServiceAsync(adminA), "Tenant Tester");
        await Profile.UploadAsync(id, new DocumentUpload("signed.pdf", "application/pdf", Pdf(100)), null, default);
        await Profile.SubmitDocumentsAsync(id, null, default);
        var documentId = (await Store.ListDocumentsAsync(id, default))[0].Id;

        var list = await Get(adminB, "/api/v1/registration-applications");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == id);
        using (var get = await adminB.GetAsync($"/api/v1/registration-applications/{id}")) await ProblemAsync(get, HttpStatusCode.NotFound, "does not exist");
        using (var doc = await adminB.GetAsync($"/api/v1/registration-applications/{id}/documents/{documentId}")) await ProblemAsync(doc, HttpStatusCode.NotFound, "does not exist");
        using (var accept = await adminB.PostAsJsonAsync($"/api/v1/registration-applications/{id}/documents/accept", new { @checked = Checklist }))
            await ProblemAsync(accept, HttpStatusCode.NotFound, "does not exist");
        using (var reject = await adminB.PostAsJsonAsync($"/api/v1/registration-applications/{id}/documents/reject", new { reason = "no" }))
            await ProblemAsync(reject, HttpStatusCode.NotFound, "does not exist");
        Assert.Equal(nameof(RegistrationStatus.DocumentsSubmitted), (await RowAsync(id: id)).Status);
        Assert.Contains((await Get(adminA, "/api/v1/registration-applications")).GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == id);
    }

    private ApplicantAccess Access => server.Get<ApplicantAccess>();

    private ApplicantProfile Profile => server.Get<ApplicantProfile>();

    private IRegistrationNumberStore Store => server.Get<IRegistrationNumberStore>();

    private static string? Field<T>(Result<T> result) => Assert.IsType<RegistrationFormInvalid>(result.Error).Errors[0].Field;

    /// <summary>A PDF-looking body of <paramref name="size"/> bytes (the type is sniffed from the magic bytes).</summary>
    private static byte[] Pdf(int size)
    {
        var bytes = new byte[size];
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    private async Task<(HttpClient Admin, string AccountId)> TenantAsync()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise");
        return (server.KeyClient(await server.NewKeyAsync(account, adminId)), account);
    }

    private static async Task<string> ServiceAsync(HttpClient admin)
    {
        using var created = await admin.PostAsJsonAsync("/api/v1/registration-services", new
        {
            name = "Qualified signature certificate", productId = "prd_smime", checklist = Checklist, fee = 25.00m, currency = "EUR",
        });
        return (await RegistrationServer.Json(created, 201)).GetProperty("id").GetString()!;
    }

    private async Task<(string Number, string Code)> RegisterAsync(string service, string name, string email)
    {
        using var registered = await server.Anonymous.PostAsJsonAsync("/api/v1/registration-applications", new { serviceId = service, fullName = name, email });
        var number = (await RegistrationServer.Json(registered, 201)).GetProperty("number").GetString()!;
        var body = (await server.LastMessageAsync(email)).Body;
        Assert.Contains($"Registration number: {number}", body, StringComparison.Ordinal);
        return (number, Regex.Match(body, @"Initial access code: ([0-9A-Z-]+)").Groups[1].Value);
    }

    /// <summary>A registered application whose initial code was changed: ready for documents.</summary>
    private async Task<string> ChangedAsync(string service, string name)
    {
        var (number, code) = await RegisterAsync(service, name, RegistrationServer.NewEmail("applicant"));
        var id = (await Access.SignInAsync(number, code, null, default)).Value.Id;
        Assert.False((await Access.ChangeCodeAsync(id, code, NewCode, NewCode, null, default)).IsError);
        return id;
    }

    private static async Task<string> ActAsync(HttpClient admin, string id, string action, object body)
    {
        using var response = await admin.PostAsJsonAsync($"/api/v1/registration-applications/{id}/{action}", body);
        return (await RegistrationServer.Json(response, 200)).GetProperty("status").GetString()!;
    }

    private async Task<RegistrationApplicationRow> RowAsync(string? number = null, string? id = null)
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        return await db.Set<RegistrationApplicationRow>().AsNoTracking().SingleAsync(x => x.Number == number || x.Id == id);
    }

    private static async Task<JsonElement> Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return await RegistrationServer.Json(response, 200);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"wanted {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Contains(detailContains, json.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        return json;
    }
}

public sealed class RegistrationNumberTestsOnSqlite(RegistrationServer server) : RegistrationNumberTests<RegistrationServer>(server);

public sealed class RegistrationNumberTestsOnPostgres(PostgresRegistrationServer server) : RegistrationNumberTests<PostgresRegistrationServer>(server);
