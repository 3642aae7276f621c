using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;
using Castellan.Registration.Contracts;
using Castellan.Registration.IdentityProofing;
using Castellan.Registration.SignIn;
using Castellan.Storage;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.IntegrationTests.IdentityProofing;

/// <summary>
/// Seed 000 "API-Driven Workflow" through a real server (docs/flows/identity-proofed-issuance.md): a system with an
/// API key posts the application with its eKYC evidence and gets the certificate (checked with openssl) or the failed
/// criteria as an RFC 9457 problem in the same response; malformed input stores nothing; another tenant's
/// applications read as not found; two officers deciding at once produce one decision.
/// </summary>
public abstract class ApiDrivenIssuanceTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string Path = "/api/v1/identity-proofing/applications";

    [Fact]
    public async Task A_good_application_is_answered_with_a_certificate_naming_the_verified_person_that_openssl_verifies()
    {
        var (admin, account) = await TenantAsync();
        var dir = TestPaths.NewDirectory("idp-api");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=ana maria lopez", null));
        var email = RegistrationServer.NewEmail("ana");

        using var response = await admin.PostAsJsonAsync(Path, Body(email, csr, "Ana María López"));
        var body = await RegistrationServer.Json(response, 201);
        Assert.Equal("issued", body.GetProperty("application").GetProperty("status").GetString());
        Assert.All(body.GetProperty("application").GetProperty("criteria").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));

        var leaf = System.IO.Path.Combine(dir, "leaf.pem");
        var chain = System.IO.Path.Combine(dir, "chain.pem");
        var root = System.IO.Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(leaf, body.GetProperty("certificate").GetString());
        await File.WriteAllTextAsync(chain, body.GetProperty("chain").GetString());
        await File.WriteAllTextAsync(root, Tools.SplitPem(body.GetProperty("chain").GetString()!)[^1]);
        Assert.EndsWith(": OK", (await CertificateChecks.VerifyAsync(root, chain, leaf)).StdOut.Trim());
        // The subject is the verified name (as the eKYC service spelled it), not what the CSR typed; the only SAN is the applicant's address.
        var subject = (await Tools.OpenSslAsync("x509", "-noout", "-subject", "-nameopt", "utf8,sep_multiline", "-in", leaf)).StdOut;
        Assert.Contains("CN=Ana María López", subject);
        Assert.Equal($"email:{email}", (await CertificateChecks.SubjectAltNamesAsync(leaf)).Split('\n', StringSplitOptions.TrimEntries)[1]);
        Assert.Equal(body.GetProperty("serial").GetString(), await CertificateChecks.SerialAsync(leaf));
        var certKey = (await Tools.OpenSslAsync("x509", "-noout", "-pubkey", "-in", leaf)).StdOut;
        Assert.Equal((await Tools.OpenSslAsync("pkey", "-pubout", "-in", System.IO.Path.Combine(dir, "key.pem"))).StdOut, certKey);

        var stored = await RowsAsync(account);
        Assert.Equal(["Issued"], stored.Select(r => r.Status));
        Assert.Contains("\"reference\":\"chk-", stored[0].EvidenceJson);
        Assert.Contains(await AuditActionsAsync(stored[0].Id), a => a == "identity.issued");
    }

    [Fact]
    public async Task Malformed_applications_are_refused_field_by_field_and_nothing_is_stored()
    {
        var (admin, account) = await TenantAsync();
        var dir = TestPaths.NewDirectory("idp-api-bad");
        var csrFile = await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=Ann Lee", null);
        var csr = await File.ReadAllTextAsync(csrFile);
        var key = await File.ReadAllTextAsync(System.IO.Path.Combine(dir, "key.pem"));

        using (var r = await admin.PostAsJsonAsync(Path, new { policyId = "idp_api", name = "", email = "not-an-email", csr = "-----BEGIN CERTIFICATE REQUEST-----\nbm9wZQ==\n-----END CERTIFICATE REQUEST-----", evidence = new { result = "verified" } }))
        {
            var problem = await ProblemAsync(r, HttpStatusCode.UnprocessableEntity, "urn:castellan:problem:application-invalid");
            Assert.Equal(["name", "email", "csr", "evidence.provider", "evidence.reference", "evidence.verifiedName"],
                problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        }
        using (var r = await admin.PostAsJsonAsync(Path, Body("ann@example.com", key, "Ann Lee")))
        {
            var problem = await ProblemAsync(r, HttpStatusCode.UnprocessableEntity, "urn:castellan:problem:application-invalid");
            Assert.Contains("private key", problem.GetProperty("errors")[0].GetProperty("detail").GetString());
        }
        using (var r = await admin.PostAsJsonAsync(Path, Body("ann@example.com", csr, "Ann Lee") with { policyId = "idp_manual" }))
            Assert.Equal("policyId", (await ProblemAsync(r, HttpStatusCode.UnprocessableEntity, "urn:castellan:problem:application-invalid")).GetProperty("errors")[0].GetProperty("field").GetString());
        using (var r = await admin.PostAsync(Path, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);

        Assert.Empty(await RowsAsync(account));
    }

    [Fact]
    public async Task Failed_criteria_are_answered_with_a_problem_listing_them_and_the_refusal_is_kept()
    {
        var (admin, account) = await TenantAsync();
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(TestPaths.NewDirectory("idp-api-no"), "ec:P-256", "/CN=Somebody Else", null));

        using var response = await admin.PostAsJsonAsync(Path, Body(RegistrationServer.NewEmail("x"), csr, "Ann Lee", emailConfirmed: false));
        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "urn:castellan:problem:application-rejected");
        var failed = problem.GetProperty("criteria").EnumerateArray().Where(c => !c.GetProperty("passed").GetBoolean()).Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Equal([ProofingCriteria.EmailConfirmed, ProofingCriteria.NameMatches], failed);
        Assert.Contains("'Somebody Else'", problem.GetProperty("detail").GetString());

        using var rejected = await admin.PostAsJsonAsync(Path, new
        {
            policyId = "idp_api", name = "Ann Lee", email = "ann@example.com", csr,
            evidence = new Dictionary<string, string> { ["result"] = "rejected", ["provider"] = "eKYC Co", ["reference"] = "chk-9", ["reason"] = "the document has expired" },
        });
        Assert.Contains("the document has expired", (await ProblemAsync(rejected, HttpStatusCode.UnprocessableEntity, "urn:castellan:problem:application-rejected")).GetProperty("detail").GetString());

        var rows = await RowsAsync(account);
        Assert.Equal(["Rejected", "Rejected"], rows.Select(r => r.Status));
        Assert.All(rows, r => Assert.Null(r.CertificateSerial));
    }

    [Fact]
    public async Task Another_tenant_gets_not_found_for_every_application_action_and_its_list_is_empty()
    {
        var (a, _) = await TenantAsync();
        var (b, _) = await TenantAsync();
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(TestPaths.NewDirectory("idp-tenant"), "ec:P-256", "/CN=Ann Lee", null));
        using var created = await a.PostAsJsonAsync(Path, Body(RegistrationServer.NewEmail("t"), csr, "Ann Lee"));
        var id = (await RegistrationServer.Json(created, 201)).GetProperty("application").GetProperty("id").GetString()!;

        using (var r = await b.GetAsync($"{Path}/{id}")) await ProblemAsync(r, HttpStatusCode.NotFound, "urn:castellan:problem:not-found");
        using (var r = await b.PostAsJsonAsync($"{Path}/{id}/approve", new { })) await ProblemAsync(r, HttpStatusCode.NotFound, "urn:castellan:problem:not-found");
        using (var r = await b.PostAsJsonAsync($"{Path}/{id}/reject", new { reason = "not mine" })) await ProblemAsync(r, HttpStatusCode.NotFound, "urn:castellan:problem:not-found");
        using (var r = await b.PostAsJsonAsync($"{Path}/{id}/evidence", new { result = "verified" })) await ProblemAsync(r, HttpStatusCode.NotFound, "urn:castellan:problem:not-found");
        using (var r = await b.GetAsync(Path)) Assert.Equal(0, (await RegistrationServer.Json(r, 200)).GetArrayLength());
        using (var r = await a.GetAsync($"{Path}/{id}")) Assert.Equal("issued", (await RegistrationServer.Json(r, 200)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_member_without_the_approve_permission_cannot_drive_issuance_through_the_API()
    {
        var (_, account) = await TenantAsync();
        var user = await server.AddMemberAsync(account, "standard-user");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(TestPaths.NewDirectory("idp-perm"), "ec:P-256", "/CN=Ann Lee", null));
        using var r = await user.Key.PostAsJsonAsync(Path, Body(RegistrationServer.NewEmail("p"), csr, "Ann Lee"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Empty(await RowsAsync(account));
    }

    [Fact]
    public async Task Two_officers_approving_at_once_issue_one_certificate_and_the_other_is_told_of_the_conflict()
    {
        var (admin, account) = await TenantAsync();
        var adminUser = await server.AddMemberAsync(account, "administrator");
        var caller = (await server.Get<SessionCallers>().ResolveAsync(adminUser.UserId, account, CancellationToken.None))!;
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(TestPaths.NewDirectory("idp-race"), "ec:P-256", "/CN=Ann Lee", null));
        // A portal application under the automatic policy whose eKYC result then fails a criterion (a password sign-in): it waits for an officer.
        var started = await server.Get<ApplyForCertificate>().ApplyAsync(caller, ApplicantAuthentication.Password,
            new ApplicationForm("idp_automatic", "Ann Lee", adminUser.Email, csr), new RequestOrigin(caller.Actor, null), CancellationToken.None);
        var id = started.Value.Application.Id;
        using (var r = await admin.PostAsJsonAsync($"{Path}/{id}/evidence", Evidence("Ann Lee", true)))
        {
            var body = await RegistrationServer.Json(r, 200);
            Assert.Equal("awaiting-review", body.GetProperty("status").GetString());
            Assert.Equal([ProofingCriteria.StrongAuthentication], body.GetProperty("criteria").EnumerateArray().Where(c => !c.GetProperty("passed").GetBoolean()).Select(c => c.GetProperty("code").GetString()));
        }

        var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => admin.PostAsJsonAsync($"{Path}/{id}/approve", new { })));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], both.Select(r => r.StatusCode).Order());
        var row = (await RowsAsync(account)).Single();
        Assert.Equal("Issued", row.Status);
        var actions = await AuditActionsAsync(id);
        Assert.Single(actions, a => a == "identity.approved");
        using (var again = await admin.PostAsJsonAsync($"{Path}/{id}/reject", new { reason = "too late" })) Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    private sealed record ApiBody(string policyId, string name, string email, string csr, Dictionary<string, string> evidence);

    private static ApiBody Body(string email, string csr, string verifiedName, bool emailConfirmed = true) =>
        new("idp_api", "Ana López", email, csr, Evidence(verifiedName, emailConfirmed));

    private static Dictionary<string, string> Evidence(string verifiedName, bool emailConfirmed) => new()
    {
        ["result"] = "verified", ["verifiedName"] = verifiedName, ["provider"] = "eKYC Co", ["reference"] = "chk-" + Guid.NewGuid().ToString("N")[..8],
        ["emailConfirmed"] = emailConfirmed ? "true" : "false",
    };

    private async Task<(HttpClient Admin, string AccountId)> TenantAsync()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise");
        return (server.KeyClient(await server.NewKeyAsync(account, adminId)), account);
    }

    private async Task<List<IdentityApplicationRow>> RowsAsync(string account)
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        return await db.Set<IdentityApplicationRow>().AsNoTracking().Where(x => x.AccountId == account).OrderBy(x => x.CreatedAt).ToListAsync();
    }

    private async Task<List<string>> AuditActionsAsync(string applicationId)
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        var target = $"identity-application:{applicationId}";
        return await db.Set<AuditRow>().AsNoTracking().Where(x => x.Target == target).Select(x => x.Action).ToListAsync();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"wanted {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(type, json.GetProperty("type").GetString());
        return json;
    }
}

public sealed class ApiDrivenIssuanceTestsOnSqlite(RegistrationServer server) : ApiDrivenIssuanceTests<RegistrationServer>(server);

public sealed class ApiDrivenIssuanceTestsOnPostgres(PostgresRegistrationServer server) : ApiDrivenIssuanceTests<PostgresRegistrationServer>(server);
