using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.IntegrationTests.Registration;
using Castellan.Registration.Contracts;
using Microsoft.Playwright;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// A server that also listens on https with client certificates allowed (Kestrel AllowCertificate, as in the API
/// tests), and one headless Chromium. Each test makes its own tenant, so policies set by one cannot touch another.
/// </summary>
public sealed class PortalSecurityFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public HttpsRegistrationServer Server { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        await Server.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }

    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL ??= Server.BaseUrl;
        options.ViewportSize ??= new ViewportSize { Width = 1400, Height = 900 };
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(PlaywrightDefaults.TimeoutMs);
        return await context.NewPageAsync();
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    /// <summary>A new enterprise account with credit and its activated administrator (email, user id, API client).</summary>
    public async Task<SecurityTenant> NewTenantAsync()
    {
        var (account, adminId) = await Server.CreateAccountAsync("enterprise");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{account}/credits")
        {
            Content = JsonContent.Create(new { amountMinor = 50_000, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] }),
        };
        request.Headers.Add("Idempotency-Key", "e2e-" + Guid.NewGuid().ToString("N"));
        using (var credited = await Server.Client.SendAsync(request)) await RegistrationServer.Json(credited, 201);
        var admin = await Server.Get<IUserStore>().GetAsync(adminId, CancellationToken.None);
        return new SecurityTenant(account, adminId, admin!.Email, Server.KeyClient(await Server.NewKeyAsync(account, adminId)));
    }

    /// <summary>The operator sets an account's sign-in policy over the REST API (the operator is not a member, so no self-lockout check).</summary>
    public async Task SetSecurityAsync(string accountId, bool secondFactorRequired, params string[] allowedNetworks)
    {
        using var put = await Server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/security", new { secondFactorRequired, allowedNetworks });
        await RegistrationServer.Json(put, 200);
    }
}

public sealed record SecurityTenant(string AccountId, string AdminId, string AdminEmail, HttpClient Admin);

/// <summary>The RA server with an extra https endpoint that asks for (and does not require) client certificates.</summary>
public sealed class HttpsRegistrationServer : RegistrationServer
{
    private const string PfxPassword = "test-only";
    private readonly string _pfx;

    public HttpsRegistrationServer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _pfx = Path.Combine(TestPaths.NewDirectory("portal-tls"), "server.pfx");
        File.WriteAllBytes(_pfx, cert.Export(X509ContentType.Pfx, PfxPassword));
    }

    public int HttpsPort { get; } = FreePort.Next();
    public string HttpsUrl => $"https://127.0.0.1:{HttpsPort}";

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        .. base.ExtraArguments,
        "--Kestrel:Endpoints:Http:Url", BaseUrl,
        "--Kestrel:Endpoints:Https:Url", HttpsUrl, "--Kestrel:Endpoints:Https:Certificate:Path", _pfx,
        "--Kestrel:Endpoints:Https:Certificate:Password", PfxPassword, "--Kestrel:Endpoints:Https:ClientCertificateMode", "AllowCertificate",
    ];
}
