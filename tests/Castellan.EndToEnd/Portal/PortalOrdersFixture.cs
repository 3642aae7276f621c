using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.Registration.Contracts;
using Microsoft.Playwright;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// One server and one Chromium for the orders screens, with one tenant of its own (so the other portal tests' counts
/// stay theirs): fulfilled orders to reissue, change and revoke, named orders to search for, and a pending order on a
/// private product with an approval checklist and a KYC document.
/// </summary>
public sealed class PortalOrdersFixture : IAsyncLifetime
{
    public const string TlsProduct = "prd_tls_server";

    /// <summary>Built-in multi-domain tls-server: names can be added to its orders.</summary>
    public const string MultiProduct = "prd_tls_multi";
    public const string Checklist = "The names belong to the applicant; The ID document matches the requester";

    /// <summary>A minimal PDF, as the document sniffer accepts it.</summary>
    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    private IPlaywright? _playwright;

    public RegistrationServer Server { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public Tenant C { get; private set; } = null!;
    public string ToReissue { get; private set; } = "";
    public string ToChangeSans { get; private set; } = "";
    public string ToRevoke { get; private set; } = "";
    public string PendingWithChecklist { get; private set; } = "";
    public string DocumentId { get; private set; } = "";

    /// <summary>The two orders naming alpha.search.example.com names; the first has a requester.</summary>
    public IReadOnlyList<string> Alpha { get; private set; } = [];

    public int AllOrders { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        await Server.InitializeAsync();
        C = await NewTenantAsync(credit: 200_000);

        ToReissue = await PlaceAsync(C.Admin, "reissue.orders.example.com");
        ToChangeSans = await PlaceAsync(C.Admin, "sans.orders.example.com", product: MultiProduct);
        ToRevoke = await PlaceAsync(C.Admin, "revoke.orders.example.com");
        Alpha =
        [
            await PlaceAsync(C.Admin, "one.alpha.search.example.com", requester: ("Ada Lovelace", "+44 20 7946 0000")),
            await PlaceAsync(C.Admin, "two.alpha.search.example.com"),
        ];
        await PlaceAsync(C.Admin, "beta.search.example.com");

        // A private tls-server product approved by hand, whose criteria are the approver's checklist.
        var product = await RegistrationServer.Json(await C.Admin.PostAsJsonAsync($"/api/v1/accounts/{C.AccountId}/products", new
        {
            name = "Checked TLS " + Guid.NewGuid().ToString("N")[..6], profileId = "tls-server", validityDays = 90, pricePerYearMinor = 1_000, currency = "USD",
            approvalMode = "manual", approvalCriteria = Checklist,
        }), 201);
        var basic = await Server.AddMemberAsync(C.AccountId, "basic-user");
        PendingWithChecklist = await PlaceAsync(basic.Key, "queue.orders.example.com", product: product.GetProperty("id").GetString()!);
        using var upload = new ByteArrayContent(Pdf);
        upload.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        using var uploaded = await basic.Key.PostAsync($"/api/v1/orders/{PendingWithChecklist}/documents?name=passport.pdf", upload);
        DocumentId = (await RegistrationServer.Json(uploaded, 201)).GetProperty("id").GetString()!;
        AllOrders = 7;

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
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 900 }, AcceptDownloads = true,
        });
        context.SetDefaultTimeout(PlaywrightDefaults.TimeoutMs);
        return await context.NewPageAsync();
    }

    /// <summary>Into the test output and, when asked (see <see cref="ScreenshotDocs"/>), into docs/screenshots.</summary>
    public async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (ScreenshotDocs.Directory() is { } docs) File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
    }

    /// <summary>An issued tls-server order placed over the REST API; returns its id.</summary>
    public async Task<string> PlaceAsync(HttpClient client, string name, (string Name, string Mobile)? requester = null, string product = TlsProduct)
    {
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("e2e-csr"), "ec:P-256", $"/CN={name}", $"DNS:{name}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { productId = product, csr, sans = new[] { name }, requesterName = requester?.Name, requesterMobile = requester?.Mobile }),
        };
        request.Headers.Add("Idempotency-Key", "e2e-" + Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request);
        return (await RegistrationServer.Json(response, 201)).GetProperty("id").GetString()!;
    }

    public Task<JsonElement> OrderOverApiAsync(string orderId) => Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}");

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
        await Server.ValidateDomainAsync(tenant.Admin);
        return tenant;
    }
}
