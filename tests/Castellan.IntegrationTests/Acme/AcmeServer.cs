using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Acme;

/// <summary>
/// A real server whose default ACME directory issues the private "mtls" product (so 127.0.0.1 is an acceptable
/// name; the public tls-server profile refuses reserved addresses), with an "eab" product directory that requires
/// external account binding, the VA's http-01 port pointed at the test's responder, and a small per-account order limit.
/// </summary>
public class AcmeServer : RegistrationServer, IAsyncLifetime
{
    public const int OrdersPerAccount = 4;

    public int ChallengePort { get; } = FreePort.Next();

    /// <summary>The VA's tls-alpn-01 port; a test starts its own responder there.</summary>
    public int TlsAlpnPort { get; } = FreePort.Next();
    public Http01Responder Responder { get; private set; } = null!;

    public string DefaultDirectory => BaseUrl + "/acme/directory";
    public string EabDirectory => BaseUrl + "/acme/eab/directory";

    protected override string? DcvZone => null; // its own peers

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        "--Castellan:Acme:ProductId", "prd_mtls",
        "--Castellan:Acme:Profiles:classic:Description", "the product's validity",
        "--Castellan:Acme:Profiles:shortlived:Description", "three days",
        "--Castellan:Acme:Profiles:shortlived:ValidityDays", "3",
        "--Castellan:Acme:Profiles:custom:Description", "notBefore/notAfter honoured",
        "--Castellan:Acme:Profiles:custom:AllowValidityRequest", "true",
        "--Castellan:Acme:Directories:eab:ProductId", "prd_mtls",
        "--Castellan:Acme:Directories:eab:RequireExternalAccountBinding", "true",
        "--Castellan:Acme:RateLimits:NewOrdersPerAccount:Limit", OrdersPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Castellan:Acme:RateLimits:NewOrdersPerAccount:Window", "01:00:00",
        "--Castellan:Acme:RateLimits:NewAccountsPerAddress:Limit", "0",
        "--Castellan:Acme:RateLimits:CertificatesPerRegisteredDomain:Limit", "0",
        "--Castellan:Validation:HttpChallengePort", ChallengePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Castellan:Validation:TlsAlpnChallengePort", TlsAlpnPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    public new async Task InitializeAsync()
    {
        Responder = new Http01Responder(ChallengePort);
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        Responder.Dispose();
        await base.DisposeAsync();
    }

    public async Task<AcmeTestClient> ClientAsync(string? directory = null, string alg = "ES256", bool register = true)
    {
        var c = new AcmeTestClient(directory ?? DefaultDirectory, alg);
        await c.LoadDirectoryAsync();
        if (register)
        {
            var created = await c.NewAccountAsync();
            if (created.Status != 201) throw new InvalidOperationException("newAccount: " + created);
        }
        return c;
    }

    /// <summary>newOrder, http-01 for each authorization through the responder, poll until ready. Returns the order URL and body.</summary>
    public async Task<(string Url, JsonElement Order)> ReadyOrderAsync(AcmeTestClient c, object? extra = null, params string[] ips)
    {
        var payload = new Dictionary<string, object> { ["identifiers"] = ips.Select(ip => new { type = "ip", value = ip }).ToArray() };
        if (extra is not null) foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) payload[p.Name] = p.Value;
        var created = await c.PostAsync(c.Url("newOrder"), payload);
        if (created.Status != 201) throw new InvalidOperationException("newOrder: " + created);
        var url = created.Location!;
        foreach (var authzUrl in created.Json.GetProperty("authorizations").EnumerateArray().Select(a => a.GetString()!))
        {
            var authz = (await c.PostAsync(authzUrl, null)).Json;
            if (authz.GetProperty("status").GetString() == "valid") continue;
            var http01 = authz.GetProperty("challenges").EnumerateArray().First(ch => ch.GetProperty("type").GetString() == "http-01");
            var token = http01.GetProperty("token").GetString()!;
            Responder.Serve(token, token + "." + c.Key.Thumbprint);
            var started = await c.PostAsync(http01.GetProperty("url").GetString()!, new { });
            if (started.Status != 200) throw new InvalidOperationException("challenge: " + started);
        }
        return (url, await PollAsync(c, url, "ready"));
    }

    public static async Task<JsonElement> PollAsync(AcmeTestClient c, string url, params string[] until)
    {
        for (var i = 0; i < 200; i++)
        {
            var r = await c.PostAsync(url, null);
            var status = r.Json.GetProperty("status").GetString();
            if (until.Contains(status)) return r.Json;
            if (status == "invalid") throw new InvalidOperationException("became invalid: " + r.Body);
            await Task.Delay(25);
        }
        throw new TimeoutException($"{url} never reached {string.Join("/", until)}");
    }
}
