using System.Net.Http.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.Registration.Contracts;
using Microsoft.Playwright;

namespace Castellan.EndToEnd.IdentityProofing;

/// <summary>One RA server (SQLite) and one Chromium for the identity-proofing journeys; each test makes its own tenant.</summary>
public sealed class IdentityProofingFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public RegistrationServer Server { get; } = new();
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

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(PlaywrightDefaults.TimeoutMs);
        return await context.NewPageAsync();
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    /// <summary>A tenant: its administrator (the RA officer) and one applicant (a standard user), both activated.</summary>
    public async Task<(string AccountId, string OfficerEmail, Member Applicant)> TenantAsync()
    {
        var (account, adminId) = await Server.CreateAccountAsync("enterprise");
        var officer = (await Server.Get<IUserStore>().GetAsync(adminId, CancellationToken.None))!.Email;
        return (account, officer, await Server.AddMemberAsync(account, "standard-user"));
    }

    public async Task RequireTotpAsync(string accountId)
    {
        using var put = await Server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/security", new { secondFactorRequired = true, allowedNetworks = Array.Empty<string>() });
        await RegistrationServer.Json(put, 200);
    }
}
