using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.Registration.Contracts;
using Microsoft.Playwright;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// One server (SQLite, free loopback port) and one headless Chromium for the portal tests, with two tenants seeded
/// over the REST API: A, where the browser approves orders, and B, whose dashboard must show exactly its seeded orders.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    /// <summary>Built-in: tls-server, 5000 USD cents, one name included.</summary>
    public const string TlsProduct = "prd_tls_server";

    private IPlaywright? _playwright;

    public RegistrationServer Server { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public Tenant A { get; private set; } = null!;
    public Tenant B { get; private set; } = null!;

    /// <summary>Tenant A's orders waiting for approval, one per test that approves or rejects.</summary>
    public IReadOnlyList<string> PendingInA { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        await Server.InitializeAsync();
        A = await NewTenantAsync(credit: 50_000);
        B = await NewTenantAsync(credit: 30_000);

        var basicA = await Server.AddMemberAsync(A.AccountId, "basic-user");
        PendingInA = [await PlaceAsync(basicA.Key, "approve.example.com"), await PlaceAsync(basicA.Key, "reject.example.com")];

        // Tenant B: 2 pending approval, 1 fulfilled (issued now), 1 draft (On Hold, not charged): 15000 of 30000 spent.
        var basicB = await Server.AddMemberAsync(B.AccountId, "basic-user");
        await PlaceAsync(basicB.Key, "one.b.example.com");
        await PlaceAsync(basicB.Key, "two.b.example.com");
        await PlaceAsync(B.Admin, "issued.b.example.com");
        await PlaceAsync(B.Admin, "draft.b.example.com", draft: true);

        // Expectations wait as long as actions do: a busy 2-core CI machine hashing 600k-iteration passwords needs
        // more than Playwright's 5 s default to sign in, and a timeout here says nothing about the portal.
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

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(PlaywrightDefaults.TimeoutMs);
        return await context.NewPageAsync();
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    /// <summary>An order through the REST API, as a client of the tenant would place it; returns its id.</summary>
    public async Task<string> PlaceAsync(HttpClient client, string name, bool draft = false)
    {
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("e2e-csr"), "ec:P-256", $"/CN={name}", $"DNS:{name}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { productId = TlsProduct, csr, saveAsDraft = draft }) };
        request.Headers.Add("Idempotency-Key", "e2e-" + Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request);
        return (await RegistrationServer.Json(response, 201)).GetProperty("id").GetString()!;
    }

    /// <summary>The order's status code as the REST API reports it to the operator.</summary>
    public async Task<string> StatusOverApiAsync(string orderId)
    {
        var order = await Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}");
        return order.GetProperty("status").GetString()!;
    }

    private async Task<Tenant> NewTenantAsync(long credit)
    {
        var (account, adminId) = await Server.CreateAccountAsync("enterprise");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{account}/credits")
        {
            Content = JsonContent.Create(new { amountMinor = credit, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] }),
        };
        request.Headers.Add("Idempotency-Key", "e2e-" + Guid.NewGuid().ToString("N"));
        using (var credited = await Server.Client.SendAsync(request)) await RegistrationServer.Json(credited, 201);
        var admin = await Server.Get<IUserStore>().GetAsync(adminId, CancellationToken.None);
        var tenant = new Tenant(account, admin!.Email, Server.KeyClient(await Server.NewKeyAsync(account, adminId)));
        await Server.ValidateDomainAsync(tenant.Admin); // tls-server orders need domain control of their example.com names
        return tenant;
    }
}

public sealed record Tenant(string AccountId, string AdminEmail, HttpClient Admin);
