using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.IntegrationTests.Enrolment;

/// <summary>
/// Seed 001 invitation enrolment over REST (docs/flows/enrolment.md): the CSV is read line by line with bad inputs
/// refused per line or per file, tenants never see each other's policies or invitations, the applicant's links are
/// single use and expire, the email SAN is the invited address whatever the CSR asks, and no private key is accepted.
/// </summary>
public abstract class EnrolmentApiTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string Smime = "prd_smime";

    [Fact]
    public async Task A_CSV_with_a_bad_header_or_no_email_column_is_refused_whole_and_nothing_is_sent()
    {
        var (admin, _) = await TenantAsync();
        var policy = await PolicyAsync(admin, "manual", ["browser", "csr"]);
        var before = await InvitationsAsync(admin, policy);

        var unknown = await UploadAsync(admin, policy, "email,shoe_size\nann@example.com,42\n");
        await ProblemAsync(unknown, HttpStatusCode.BadRequest, "unknown column 'shoe_size'");
        var noEmail = await UploadAsync(admin, policy, "given_name,surname\nAnn,Lee\n");
        await ProblemAsync(noEmail, HttpStatusCode.BadRequest, "must name an 'email' column");
        var twice = await UploadAsync(admin, policy, "email,Email\na@example.com,b@example.com\n");
        await ProblemAsync(twice, HttpStatusCode.BadRequest, "appears twice");
        var empty = await UploadAsync(admin, policy, "\n\n");
        await ProblemAsync(empty, HttpStatusCode.BadRequest, "empty");
        var unclosed = await UploadAsync(admin, policy, "email,surname\n\"ann@example.com,Lee\n");
        await ProblemAsync(unclosed, HttpStatusCode.BadRequest, "never closed");

        Assert.Equal(before, await InvitationsAsync(admin, policy));
    }

    [Fact]
    public async Task Each_bad_line_is_reported_with_its_number_and_the_good_lines_are_invited_and_emailed()
    {
        var (admin, _) = await TenantAsync();
        var policy = await PolicyAsync(admin, "manual", ["browser", "csr"]);
        var good1 = RegistrationServer.NewEmail("good");
        var good2 = RegistrationServer.NewEmail("quoted");
        var csv = $"email,given_name,surname,organisation_unit\n{good1},Ann,Lee,Sales\nnot-an-email,Bob,Ray,Ops\n{good1.ToUpperInvariant()},Ann,Again,Sales\n" +
                  $"only-two@example.com,Cy\n\"{good2}\",\"Dee, Jr.\",\"O\"\"Neil\",IT\n";
        using var response = await UploadAsync(admin, policy, csv);
        var report = await RegistrationServer.Json(response, 200);
        Assert.Equal(2, report.GetProperty("invited").GetInt32());
        Assert.Equal(3, report.GetProperty("refused").GetInt32());
        var lines = report.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("line").GetInt32());
        Assert.Equal([2, 3, 4, 5, 6], lines.Keys.Order());
        Assert.True(lines[2].GetProperty("invited").GetBoolean());
        Assert.Contains("not a valid email", lines[3].GetProperty("detail").GetString());
        Assert.Contains("already appears on line 2", lines[4].GetProperty("detail").GetString());
        Assert.Contains("expected 4 fields, found 2", lines[5].GetProperty("detail").GetString());
        Assert.True(lines[6].GetProperty("invited").GetBoolean());

        // Quoted fields keep their commas and doubled quotes.
        var invited = await Get(admin, $"/api/v1/invitations/{lines[6].GetProperty("invitationId").GetString()}");
        Assert.Equal("Dee, Jr.", invited.GetProperty("givenName").GetString());
        Assert.Equal("O\"Neil", invited.GetProperty("surname").GetString());
        Assert.Equal("invited", invited.GetProperty("status").GetString());

        // The two good lines got their own enrolment links; the bad ones got nothing.
        var t1 = await EnrolTokenAsync(good1);
        var t2 = await EnrolTokenAsync(good2);
        Assert.NotEqual(t1, t2);
        Assert.Empty(await server.Get<Castellan.Registration.Contracts.INotificationOutbox>().ListPendingAsync("only-two@example.com", 10, CancellationToken.None));
        // Only the link's hash is stored: the token itself appears nowhere in the invitation's row.
        var row = await RowAsync(lines[2].GetProperty("invitationId").GetString()!);
        Assert.NotEqual(t1, row.EnrolTokenHash);
        Assert.Equal(64, row.EnrolTokenHash.Length);

        // A second upload of the same person under the same policy is refused while the first invitation is open.
        using var again = await UploadAsync(admin, policy, $"email\n{good1}\n");
        var second = await RegistrationServer.Json(again, 200);
        Assert.Contains("already has an open invitation", second.GetProperty("lines")[0].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_oversize_CSV_is_refused_with_413_by_bytes_and_by_line_count()
    {
        var (admin, _) = await TenantAsync();
        var policy = await PolicyAsync(admin, "manual", ["csr"]);
        var big = new StringBuilder("email,surname\n");
        while (big.Length <= 300 * 1024) big.Append("someone@example.com,").Append(new string('x', 100)).Append('\n');
        using var bytes = await UploadAsync(admin, policy, big.ToString());
        await ProblemAsync(bytes, HttpStatusCode.RequestEntityTooLarge, "larger than 256 KiB");

        var many = new StringBuilder("email\n");
        for (var i = 0; i < 2_001; i++) many.Append(i).Append("@e.io\n");
        using var rows = await UploadAsync(admin, policy, many.ToString());
        await ProblemAsync(rows, HttpStatusCode.RequestEntityTooLarge, "at most 2000");
        Assert.Equal(0, await InvitationsAsync(admin, policy));
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_the_policies_or_invitations_and_cannot_act_on_them()
    {
        var (a, accountA) = await TenantAsync();
        var (b, _) = await TenantAsync();
        var policy = await PolicyAsync(a, "manual", ["csr"]);
        var email = RegistrationServer.NewEmail("tenant");
        using (var up = await UploadAsync(a, policy, $"email\n{email}\n")) await RegistrationServer.Json(up, 200);
        var invitation = (await Get(a, $"/api/v1/invitations?policy={policy}")).GetProperty("items")[0].GetProperty("id").GetString()!;
        await SubmitCsrAsync(await EnrolTokenAsync(email), email);

        foreach (var response in new[]
        {
            await b.GetAsync($"/api/v1/enrolment-policies/{policy}"),
            await b.PutAsJsonAsync($"/api/v1/enrolment-policies/{policy}", new { name = "stolen", productId = Smime }),
            await b.DeleteAsync($"/api/v1/enrolment-policies/{policy}"),
            await UploadAsync(b, policy, "email\nx@example.com\n"),
            await b.GetAsync($"/api/v1/invitations/{invitation}"),
            await b.PostAsync($"/api/v1/invitations/{invitation}/approve", null),
            await b.PostAsJsonAsync($"/api/v1/invitations/{invitation}/reject", new { reason = "mine now" }),
            await b.GetAsync($"/api/v1/invitations?account={accountA}"),
            await b.GetAsync($"/api/v1/enrolment-policies?account={accountA}"),
        })
        {
            using (response) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        // B's own list is empty; A's invitation is still waiting for A.
        Assert.Equal(0, (await Get(b, "/api/v1/invitations")).GetProperty("total").GetInt32());
        Assert.Equal("submitted", (await Get(a, $"/api/v1/invitations/{invitation}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_private_key_is_refused_at_submission_and_never_stored_only_the_request_is()
    {
        var (admin, _) = await TenantAsync();
        var policy = await PolicyAsync(admin, "manual", ["browser", "csr"]);
        var email = RegistrationServer.NewEmail("nokey");
        using (var up = await UploadAsync(admin, policy, $"email\n{email}\n")) await RegistrationServer.Json(up, 200);
        var token = await EnrolTokenAsync(email);
        var dir = TestPaths.NewDirectory("enrol-key");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=x", null));
        var key = await File.ReadAllTextAsync(Path.Combine(dir, "key.pem"));

        using var withKey = await server.Anonymous.PostAsJsonAsync($"/api/v1/enrol/{token}", new { givenName = "Ann", surname = "Lee", keySource = "browser", csr = key + csr });
        var problem = await ProblemAsync(withKey, HttpStatusCode.UnprocessableEntity, "private key");
        Assert.Equal("csr", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        // Refused before anything was kept: the link still works, and the row has no CSR.
        var id = (await Get(admin, $"/api/v1/invitations?policy={policy}")).GetProperty("items")[0].GetProperty("id").GetString()!;
        Assert.Null((await RowAsync(id)).Csr);

        using var ok = await server.Anonymous.PostAsJsonAsync($"/api/v1/enrol/{token}", new { givenName = "Ann", surname = "Lee", keySource = "browser", csr });
        Assert.Equal("submitted", (await RegistrationServer.Json(ok, 200)).GetProperty("status").GetString());
        var stored = (await RowAsync(id)).Csr!;
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Automatic_policy_with_a_pasted_CSR_issues_for_the_invited_address_only_and_the_used_link_is_gone()
    {
        var (admin, _) = await TenantAsync();
        var policy = await PolicyAsync(admin, "automatic", ["csr"]);
        var email = RegistrationServer.NewEmail("auto");
        using (var up = await UploadAsync(admin, policy, $"email,given_name,surname\n{email},Ann,Lee\n")) await RegistrationServer.Json(up, 200);
        var token = await EnrolTokenAsync(email);

        // The CSR asks for another address; the RA ignores it.
        var form = await Get(server.Anonymous, $"/api/v1/enrol/{token}");
        Assert.Equal(email, form.GetProperty("email").GetString());
        var dir = TestPaths.NewDirectory("enrol-auto");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=Mallory/emailAddress=ceo@example.com", "email:ceo@example.com"));
        using var submitted = await server.Anonymous.PostAsJsonAsync($"/api/v1/enrol/{token}", new { givenName = "Ann", surname = "Lee", keySource = "csr", csr });
        Assert.Equal("approved", (await RegistrationServer.Json(submitted, 200)).GetProperty("status").GetString());

        var collectToken = await CollectTokenAsync(email);
        var collection = await Get(server.Anonymous, $"/api/v1/collect/{collectToken}");
        var leaf = Path.Combine(dir, "leaf.pem");
        var chain = Path.Combine(dir, "chain.pem");
        await File.WriteAllTextAsync(leaf, collection.GetProperty("certificate").GetString());
        await File.WriteAllTextAsync(chain, collection.GetProperty("chain").GetString());
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(root, Tools.SplitPem(collection.GetProperty("chain").GetString()!)[^1]);
        Assert.Equal($"X509v3 Subject Alternative Name: \n    email:{email}", (await CertificateChecks.SubjectAltNamesAsync(leaf)).Trim().Replace("\r", ""));
        Assert.EndsWith(": OK", (await CertificateChecks.VerifyAsync(root, chain, leaf)).StdOut.Trim());
        var subject = (await Tools.OpenSslAsync("x509", "-noout", "-subject", "-in", leaf)).StdOut;
        Assert.DoesNotContain("ceo@example.com", subject);
        Assert.DoesNotContain("Mallory", subject);
        // The key is the CSR's own.
        var certKey = (await Tools.OpenSslAsync("x509", "-noout", "-pubkey", "-in", leaf)).StdOut;
        var csrKey = (await Tools.OpenSslAsync("pkey", "-pubout", "-in", Path.Combine(dir, "key.pem"))).StdOut;
        Assert.Equal(csrKey, certKey);

        // The enrolment link worked once.
        using var reused = await server.Anonymous.GetAsync($"/api/v1/enrol/{token}");
        await ProblemAsync(reused, HttpStatusCode.Gone, "already used");
        using var resubmitted = await server.Anonymous.PostAsJsonAsync($"/api/v1/enrol/{token}", new { keySource = "csr", csr });
        await ProblemAsync(resubmitted, HttpStatusCode.Gone, "already used");
        var view = (await Get(admin, $"/api/v1/invitations?policy={policy}")).GetProperty("items")[0];
        Assert.Equal("collected", view.GetProperty("status").GetString());
        Assert.Equal($"enrolment-policy:{policy}", view.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task An_expired_enrolment_link_is_refused_with_410_and_reads_expired_in_the_list()
    {
        var (admin, _) = await TenantAsync();
        var policy = await PolicyAsync(admin, "manual", ["csr"]);
        var email = RegistrationServer.NewEmail("late");
        using (var up = await UploadAsync(admin, policy, $"email\n{email}\n")) await RegistrationServer.Json(up, 200);
        var token = await EnrolTokenAsync(email);
        var id = (await Get(admin, $"/api/v1/invitations?policy={policy}")).GetProperty("items")[0].GetProperty("id").GetString()!;
        await ExpireAsync(id);

        using var read = await server.Anonymous.GetAsync($"/api/v1/enrol/{token}");
        await ProblemAsync(read, HttpStatusCode.Gone, "expired");
        using var unknown = await server.Anonymous.GetAsync("/api/v1/enrol/enr_" + new string('A', 43));
        await ProblemAsync(unknown, HttpStatusCode.NotFound, "does not exist");
        Assert.Equal("expired", (await Get(admin, $"/api/v1/invitations/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Manual_server_key_enrolment_is_approved_then_collected_once_as_a_PKCS12_openssl_opens()
    {
        var (admin, _) = await TenantAsync();
        var policy = await PolicyAsync(admin, "manual", ["server"]);
        var email = RegistrationServer.NewEmail("srvkey");
        using (var up = await UploadAsync(admin, policy, $"email\n{email}\n")) await RegistrationServer.Json(up, 200);
        using (var s = await server.Anonymous.PostAsJsonAsync($"/api/v1/enrol/{await EnrolTokenAsync(email)}", new { givenName = "Sam", surname = "Key", keySource = "server" }))
            Assert.Equal("submitted", (await RegistrationServer.Json(s, 200)).GetProperty("status").GetString());
        var id = (await Get(admin, $"/api/v1/invitations?policy={policy}&status=submitted")).GetProperty("items")[0].GetProperty("id").GetString()!;

        using (var reject = await admin.PostAsJsonAsync($"/api/v1/invitations/{id}/reject", new { reason = "" }))
            Assert.Equal("reason", (await ProblemAsync(reject, HttpStatusCode.UnprocessableEntity, "reason")).GetProperty("errors")[0].GetProperty("field").GetString());
        using (var approve = await admin.PostAsync($"/api/v1/invitations/{id}/approve", null))
            Assert.Equal("approved", (await RegistrationServer.Json(approve, 200)).GetProperty("status").GetString());
        using (var twice = await admin.PostAsync($"/api/v1/invitations/{id}/approve", null)) Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var token = await CollectTokenAsync(email);
        using (var weak = await server.Anonymous.PostAsJsonAsync($"/api/v1/collect/{token}/pkcs12", new { password = "short" }))
            await ProblemAsync(weak, HttpStatusCode.UnprocessableEntity, "at least 8");
        using var p12 = await server.Anonymous.PostAsJsonAsync($"/api/v1/collect/{token}/pkcs12", new { password = "collect-pass-1" });
        Assert.Equal(HttpStatusCode.OK, p12.StatusCode);
        var file = Path.Combine(TestPaths.NewDirectory("enrol-p12"), "c.p12");
        await File.WriteAllBytesAsync(file, await p12.Content.ReadAsByteArrayAsync());
        var opened = await Tools.OpenSslAsync("pkcs12", "-in", file, "-passin", "pass:collect-pass-1", "-nokeys", "-clcerts");
        Assert.Equal(0, opened.ExitCode);
        var leaf = file + ".leaf.pem";
        await File.WriteAllTextAsync(leaf, opened.StdOut);
        Assert.Contains($"email:{email}", await CertificateChecks.SubjectAltNamesAsync(leaf));

        using var again = await server.Anonymous.PostAsJsonAsync($"/api/v1/collect/{token}/pkcs12", new { password = "collect-pass-1" });
        await ProblemAsync(again, HttpStatusCode.Gone, "already used");
    }

    private async Task<(HttpClient Admin, string AccountId)> TenantAsync()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise");
        // Approvals charge the account (EnrolmentChargeTests), so each tenant starts with credit for a few certificates.
        using var credit = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{account}/credits")
        {
            Content = JsonContent.Create(new { amountMinor = 100_000, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] }),
        };
        credit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        await RegistrationServer.Json(await server.Client.SendAsync(credit), 201);
        return (server.KeyClient(await server.NewKeyAsync(account, adminId)), account);
    }

    private static async Task<string> PolicyAsync(HttpClient admin, string approval, string[] keySources)
    {
        using var created = await admin.PostAsJsonAsync("/api/v1/enrolment-policies", new
        {
            name = "S/MIME " + Guid.NewGuid().ToString("N")[..6], productId = Smime, requiredFields = new[] { "givenName", "surname" }, keySources, approval, linkLifetimeHours = 48,
        });
        return (await RegistrationServer.Json(created, 201)).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string policy, string csv) =>
        client.PostAsync($"/api/v1/enrolment-policies/{policy}/invitations", new StringContent(csv, Encoding.UTF8, "text/csv"));

    private static async Task<int> InvitationsAsync(HttpClient admin, string policy) =>
        (await Get(admin, $"/api/v1/invitations?policy={policy}")).GetProperty("total").GetInt32();

    private static async Task<JsonElement> Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return await RegistrationServer.Json(response, 200);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"wanted {(int)status}, got {(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Contains(detailContains, json.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        return json;
    }

    private async Task SubmitCsrAsync(string token, string email)
    {
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(TestPaths.NewDirectory("enrol-csr"), "ec:P-256", "/CN=" + email, null));
        using var response = await server.Anonymous.PostAsJsonAsync($"/api/v1/enrol/{token}", new { givenName = "A", surname = "B", keySource = "csr", csr });
        await RegistrationServer.Json(response, 200);
    }

    private async Task<string> EnrolTokenAsync(string email) => await LinkTokenAsync(email, "enrol", "enr_");

    private async Task<string> CollectTokenAsync(string email) => await LinkTokenAsync(email, "collect", "col_");

    private async Task<string> LinkTokenAsync(string email, string path, string prefix)
    {
        var messages = await server.Get<Castellan.Registration.Contracts.INotificationOutbox>().ListPendingAsync(email, 100, CancellationToken.None);
        var match = messages.Select(m => Regex.Match(m.Body, $@"/{path}/({prefix}[A-Za-z0-9_-]+)")).LastOrDefault(m => m.Success);
        Assert.True(match is not null, $"no {path} link was mailed to {email}");
        return match!.Groups[1].Value;
    }

    private async Task<InvitationRow> RowAsync(string id)
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        return await db.Set<InvitationRow>().AsNoTracking().SingleAsync(x => x.Id == id);
    }

    private async Task ExpireAsync(string id)
    {
        await using var db = await server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await db.Set<InvitationRow>().Where(x => x.Id == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.EnrolExpiresAt, past));
    }
}

public sealed class EnrolmentApiTestsOnSqlite(RegistrationServer server) : EnrolmentApiTests<RegistrationServer>(server);

public sealed class EnrolmentApiTestsOnPostgres(PostgresRegistrationServer server) : EnrolmentApiTests<PostgresRegistrationServer>(server);
