using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.Storage;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MimeKit;

namespace Castellan.EndToEnd.Enrolment;

/// <summary>An RA server whose mail really goes over SMTP to the sink (aiosmtpd), polled every 100 ms.</summary>
public sealed class MailingServer(SmtpSink mail) : RegistrationServer
{
    public SmtpSink Mail { get; } = mail;

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        .. base.ExtraArguments,
        "--Castellan:Smtp:Host", "127.0.0.1", "--Castellan:Smtp:Port", Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Castellan:Smtp:Security", "None",
        "--Castellan:Smtp:From", "Castellan RA <ra@example.test>", "--Castellan:Smtp:PollInterval", "00:00:00.100",
        "--Castellan:Smtp:RetryDelay", "00:00:00.300", "--Castellan:Smtp:MaxRetryDelay", "00:00:01",
    ];

    /// <summary>Mail leaves the outbox once sent, so activation links are read from what the sink received.</summary>
    public override async Task<string?> ActivationTokenAsync(string email)
    {
        var mail = await Mail.WaitForAsync(email, m => Regex.IsMatch(m.TextBody ?? "", @"/activate\?token="));
        return Regex.Match(mail.TextBody!, @"/activate\?token=([A-Za-z0-9_-]+)").Groups[1].Value;
    }
}

/// <summary>
/// Seed 001 end to end: one server mailing to a real SMTP sink, one Chromium, and a tenant whose administrator signs
/// in to the portal. Applicants use their own browser contexts with no account.
/// </summary>
public sealed class EnrolmentFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public MailingServer Server { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");
    public string AccountId { get; private set; } = "";
    public string AdminEmail { get; private set; } = "";
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        Server = new MailingServer(await SmtpSink.StartAsync());
        await Server.InitializeAsync();
        var (account, adminId) = await Server.CreateAccountAsync("enterprise");
        AccountId = account;
        // Approvals charge the inviting account at the product's price, like orders: credit for the journeys' certificates.
        await RaTestClient.CreditAsync(Server, account, 1_000_000);
        AdminEmail = (await Server.Get<Castellan.Registration.Contracts.IUserStore>().GetAsync(adminId, CancellationToken.None))!.Email;
        Admin = Server.KeyClient(await Server.NewKeyAsync(account, adminId));
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
        if (Server is not null)
        {
            await Server.DisposeAsync();
            await Server.Mail.DisposeAsync();
        }
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(PlaywrightDefaults.TimeoutMs);
        return await context.NewPageAsync();
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task<string> PolicyAsync(string name, string approval, string[] keySources, string[]? requiredFields = null)
    {
        using var created = await Admin.PostAsJsonAsync("/api/v1/enrolment-policies", new
        {
            name, productId = "prd_smime", requiredFields = requiredFields ?? ["givenName", "surname"], keySources, approval, linkLifetimeHours = 72,
        });
        return (await RegistrationServer.Json(created, 201)).GetProperty("id").GetString()!;
    }

    /// <summary>The link of the newest mail to <paramref name="email"/> that carries one under <paramref name="path"/>.</summary>
    public async Task<string> LinkAsync(string email, string path)
    {
        var pattern = $@"https?://\S+/{path}/[A-Za-z0-9_-]+";
        MimeMessage mail = await Server.Mail.WaitForAsync(email, m => Regex.IsMatch(m.TextBody ?? "", pattern));
        return Regex.Match(mail.TextBody!, pattern).Value;
    }

    public async Task ExpireEnrolLinkAsync(string email)
    {
        await using var db = await Server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await db.Set<InvitationRow>().Where(x => x.Email == email).ExecuteUpdateAsync(u => u.SetProperty(x => x.EnrolExpiresAt, past));
    }
}
