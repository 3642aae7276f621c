using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Acme.RealClients;

/// <summary>
/// Everything these tests assume about Castellan's ACME server and its REST API, in one place, because the server was
/// written on another branch at the same time. If a name differs after the merge, change it here only.
/// </summary>
public static class CastellanAcmeApi
{
    /// <summary>The default directory (issue 4: no EAB unless configured).</summary>
    public const string DirectoryPath = "/acme/directory";

    /// <summary>The issuer domain the CA recognises in CAA records (Castellan:Validation:CaaIdentities).</summary>
    public const string CaaIdentity = "castellan.test";

    /// <summary>The configuration key that makes the default directory require external account binding (AcmeOptions).</summary>
    public static readonly string[] RequireEabArguments = ["--Castellan:Acme:RequireExternalAccountBinding", "true"];

    /// <summary>The directory issues the private "mtls" product: the default, the public tls-server product, has the CA/B
    /// Forum linter refuse internal names such as *.acme.test (cabf.br.internal-name), as a public CA must.</summary>
    public static readonly string[] ProductArguments = ["--Castellan:Acme:ProductId", "prd_mtls"];

    /// <summary>Every client run registers a new account from 127.0.0.1 and every name is under acme.test: the per-address
    /// and per-registered-domain limits (Castellan:Acme:RateLimits, 10 and 50 by default) would stop a full run.</summary>
    public static readonly string[] NoRateLimitArguments =
    [
        "--Castellan:Acme:RateLimits:NewAccountsPerAddress:Limit", "0",
        "--Castellan:Acme:RateLimits:CertificatesPerRegisteredDomain:Limit", "0",
    ];

    /// <summary>The configuration that points the validation authority at the test's peers (issue 4 §5).</summary>
    public static string[] ValidationArguments(int httpPort, int tlsPort, string dnsResolver) =>
    [
        "--Castellan:Validation:HttpChallengePort", httpPort.ToString(),
        "--Castellan:Validation:TlsAlpnChallengePort", tlsPort.ToString(),
        "--Castellan:Validation:DnsResolvers:0", dnsResolver,
        "--Castellan:Validation:CaaIdentities:0", CaaIdentity,
    ];

    /// <summary>An enterprise account created by the operator, its administrator activated: EAB credentials are only
    /// issued for an active account (ExternalAccountBinding.CreateAsync answers 409 otherwise).</summary>
    public static async Task<string> CreateAccountAsync(RegistrationServer server) => (await server.CreateAccountAsync("enterprise")).AccountId;

    /// <summary>
    /// <c>POST /api/v1/accounts/{id}/eab-credentials</c> answers 201 { keyId, hmacKey (base64url) } (AcmeApiEndpoints). Orders
    /// of an EAB-bound ACME account are RA orders paid from the account, so the account is credited first.
    /// </summary>
    public static async Task<EabCredentials> CreateEabAsync(HttpClient admin, string accountId)
    {
        using var credit = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{accountId}/credits")
        {
            Content = JsonContent.Create(new { amountMinor = 1_000_000, currency = "USD", paymentReference = "acme real-client test" }),
        };
        credit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using (var credited = await admin.SendAsync(credit))
            Assert.True(credited.IsSuccessStatusCode, $"wanted the account credited, got {(int)credited.StatusCode} {await credited.Content.ReadAsStringAsync()}");
        using var response = await admin.PostAsJsonAsync($"/api/v1/accounts/{accountId}/eab-credentials", new { });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"wanted EAB credentials, got {(int)response.StatusCode} {body}");
        return new EabCredentials(body.GetProperty("keyId").GetString()!, body.GetProperty("hmacKey").GetString()!);
    }

    /// <summary>The certificate's status in the REST API ("valid", "revoked"...); <paramref name="serialHex"/> as openssl prints it, lowercased.</summary>
    public static async Task<string> CertificateStatusAsync(HttpClient admin, string serialHex)
    {
        var body = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{serialHex}");
        return body.GetProperty("status").GetString()!;
    }

    /// <summary>The root that ACME certificates chain to: the last certificate of the issuing CA's chain.</summary>
    public static async Task<string> RootPemAsync(HttpClient admin)
    {
        var chain = await admin.GetStringAsync("/api/v1/cas/issuing-1/chain");
        return Tools.SplitPem(chain)[^1];
    }
}
