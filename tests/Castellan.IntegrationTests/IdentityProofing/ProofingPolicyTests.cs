using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.IdentityProofing;

/// <summary>
/// An account's own identity-proofing policies over REST (docs/flows/identity-proofed-issuance.md step 0): every bad
/// field refused by name, the account's policies listed beside the operator's, another tenant's invisible and
/// unchangeable, the operator's read-only, a Standard User refused, changes audited, and the chosen criteria really
/// deciding: an API policy requiring only a verified identity issues where the built-in one (all four) refuses.
/// </summary>
public abstract class ProofingPolicyTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string Policies = "/api/v1/identity-proofing/policies";

    [Fact]
    public async Task Bad_fields_are_refused_by_name_and_a_good_policy_is_listed_for_its_account_only_and_changed_with_an_audit_entry()
    {
        var (admin, account) = await TenantAsync();
        using (var bad = await admin.PostAsJsonAsync(Policies, new { name = "", productId = "prd_nope", approval = "sometimes", verifier = "crystal-ball", criteria = new[] { "email-confirmed" } }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
            var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("urn:castellan:problem:policy-invalid", problem.GetProperty("type").GetString());
            var errors = problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("detail").GetString()!);
            Assert.Equal(["approval", "criteria", "name", "productId", "verifier"], errors.Keys.Order(StringComparer.Ordinal));
            Assert.Contains("'identity-verified' is always required", errors["criteria"], StringComparison.Ordinal);
            Assert.Contains("document-upload, attested", errors["verifier"], StringComparison.Ordinal);
        }

        var created = await RegistrationServer.Json(await admin.PostAsJsonAsync(Policies, new
        {
            name = "Signing, eKYC only", productId = "prd_document_signing", approval = "api", verifier = "attested", criteria = new[] { "name-matches", "identity-verified" },
        }), 201);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(account, created.GetProperty("accountId").GetString());
        Assert.Equal(["identity-verified", "name-matches"], created.GetProperty("criteria").EnumerateArray().Select(c => c.GetString()!));

        var listed = (await RegistrationServer.Json(await admin.GetAsync(Policies), 200)).EnumerateArray().ToList();
        Assert.Contains(listed, p => p.GetProperty("id").GetString() == "idp_api" && p.GetProperty("accountId").ValueKind == JsonValueKind.Null);
        Assert.Contains(listed, p => p.GetProperty("id").GetString() == id);

        // Another tenant neither sees nor changes it; nobody changes the operator's; a Standard User may not define one.
        var (other, otherAccount) = await TenantAsync();
        Assert.DoesNotContain((await RegistrationServer.Json(await other.GetAsync(Policies), 200)).EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        var body = new { name = "stolen", productId = "prd_document_signing", approval = "automatic", verifier = "attested", criteria = new[] { "identity-verified" } };
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync($"{Policies}/{id}", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PutAsJsonAsync($"{Policies}/idp_api", body)).StatusCode);
        var standard = await server.AddMemberAsync(account, "standard-user");
        Assert.Equal(HttpStatusCode.Forbidden, (await standard.Key.PostAsJsonAsync(Policies, body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await standard.Key.PutAsJsonAsync($"{Policies}/{id}", body)).StatusCode);
        _ = otherAccount;

        var changed = await RegistrationServer.Json(await admin.PutAsJsonAsync($"{Policies}/{id}", new
        {
            name = "Signing, eKYC only", productId = "prd_document_signing", approval = "api", verifier = "attested", criteria = new[] { "identity-verified" },
        }), 200);
        Assert.Equal(["identity-verified"], changed.GetProperty("criteria").EnumerateArray().Select(c => c.GetString()!));
        var audit = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=identity-policy.changed&target=identity-policy:{id}")).EnumerateArray().Single();
        Assert.Contains("name-matches", audit.GetProperty("detailsJson").GetString(), StringComparison.Ordinal); // the before state
    }

    [Fact]
    public async Task An_API_policy_requiring_only_a_verified_identity_issues_where_the_operators_policy_refuses_a_name_mismatch()
    {
        var (admin, _) = await TenantAsync();
        var id = (await RegistrationServer.Json(await admin.PostAsJsonAsync(Policies, new
        {
            name = "Lenient " + Guid.NewGuid().ToString("N")[..6], productId = "prd_document_signing", approval = "api", verifier = "attested", criteria = new[] { "identity-verified" },
        }), 201)).GetProperty("id").GetString()!;
        var dir = TestPaths.NewDirectory("idp-policy");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=Someone Else", null));

        // The CSR names someone else and the address is unconfirmed: the built-in API policy (all four criteria) refuses.
        using (var strict = await admin.PostAsJsonAsync("/api/v1/identity-proofing/applications", Body("idp_api", RegistrationServer.NewEmail("strict"), csr)))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, strict.StatusCode);
        // The account's policy requires only the verified identity: the same evidence issues, under the verified name.
        var issued = await RegistrationServer.Json(await admin.PostAsJsonAsync("/api/v1/identity-proofing/applications", Body(id, RegistrationServer.NewEmail("lenient"), csr)), 201);
        Assert.Equal("issued", issued.GetProperty("application").GetProperty("status").GetString());
        var failed = issued.GetProperty("application").GetProperty("criteria").EnumerateArray().Where(c => !c.GetProperty("passed").GetBoolean()).Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Contains("name-matches", failed); // still evaluated and shown, just not required

        // Another tenant cannot apply under this account's policy.
        var (other, _) = await TenantAsync();
        using var foreign = await other.PostAsJsonAsync("/api/v1/identity-proofing/applications", Body(id, RegistrationServer.NewEmail("foreign"), csr));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, foreign.StatusCode);
        Assert.Contains("policyId", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static object Body(string policyId, string email, string csr) => new
    {
        policyId, name = "Ana López", email, csr,
        evidence = new Dictionary<string, string>
        {
            ["result"] = "verified", ["verifiedName"] = "Ana María López", ["provider"] = "eKYC Co", ["reference"] = "chk-" + Guid.NewGuid().ToString("N")[..8], ["emailConfirmed"] = "false",
        },
    };

    private async Task<(HttpClient Admin, string AccountId)> TenantAsync()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise");
        return (server.KeyClient(await server.NewKeyAsync(account, adminId)), account);
    }
}

public sealed class ProofingPolicyTestsOnSqlite(RegistrationServer server) : ProofingPolicyTests<RegistrationServer>(server);

public sealed class ProofingPolicyTestsOnPostgres(PostgresRegistrationServer server) : ProofingPolicyTests<PostgresRegistrationServer>(server);
