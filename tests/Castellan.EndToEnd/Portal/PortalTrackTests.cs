using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.EndToEnd.Enrolment;
using Castellan.IntegrationTests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// A server whose VA resolves through a real BIND and whose outbox mails through a real SMTP sink, and one Chromium:
/// the public track page (seed 003 "track order") with each domain-validation step and its pending action.
/// </summary>
public sealed class PortalTrackFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public MailingServer Server { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = new MailingServer(await SmtpSink.StartAsync());
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
        await Server.Mail.DisposeAsync();
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(PlaywrightDefaults.TimeoutMs);
        return await context.NewPageAsync();
    }
}

[Trait("Category", "E2E")]
public sealed class PortalTrackTests(PortalTrackFixture fx) : IClassFixture<PortalTrackFixture>
{
    [Fact]
    public async Task The_track_page_shows_each_validation_step_with_its_pending_action_and_resending_delivers_a_second_email()
    {
        var (accountId, adminId) = await fx.Server.CreateAccountAsync("enterprise");
        await RaTestClient.CreditAsync(fx.Server, accountId, 20_000);
        var admin = fx.Server.KeyClient(await fx.Server.NewKeyAsync(accountId, adminId));
        var mailed = $"trk-{Guid.NewGuid():N}"[..12] + ".com";
        var txt = $"trt-{Guid.NewGuid():N}"[..12] + ".com";
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("track-dcv"), "ec:P-256", $"/CN={mailed}", $"DNS:{mailed},DNS:{txt}"));
        using var place = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { productId = "prd_tls_multi", csr, sans = new[] { mailed, txt }, validationMethod = "email" }),
        };
        place.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var orderId = (await RegistrationServer.Json(await admin.SendAsync(place), 201)).GetProperty("id").GetString()!;
        var first = ValueIn(await fx.Server.Mail.WaitForAsync("admin@" + mailed));
        // The second name by DNS TXT, so the page shows both kinds of pending action.
        await RegistrationServer.Json(await admin.PutAsJsonAsync($"/api/v1/orders/{orderId}/validations/{txt}/method", new { method = "dns-txt" }), 200);
        var token = (await RegistrationServer.Json(await admin.PostAsync($"/api/v1/orders/{orderId}/tracking-link", null), 200)).GetProperty("token").GetString()!;

        var page = await fx.NewPageAsync(); // nobody signed in: the link is the only credential
        await page.GotoAsync($"/track/{token}");
        var mailStep = page.Locator($"[data-testid=track-validation][data-name='{mailed}']");
        var txtStep = page.Locator($"[data-testid=track-validation][data-name='{txt}']");
        await Expect(mailStep.Locator("[data-testid=track-validation-status]")).ToHaveTextAsync("pending");
        await Expect(mailStep.Locator("[data-testid=track-validation-action]")).ToContainTextAsync("postmaster@" + mailed);
        await Expect(mailStep).Not.ToContainTextAsync(first); // an emailed value is never shown
        var txtValue = (await RegistrationServer.Json(await admin.GetAsync($"/api/v1/orders/{orderId}"), 200)).GetProperty("domainValidation").GetProperty("names")
            .EnumerateArray().Single(n => n.GetProperty("name").GetString() == txt).GetProperty("action").GetProperty("value").GetString()!;
        await Expect(txtStep.Locator("[data-testid=track-txt-value]")).ToHaveTextAsync(txtValue);
        await Expect(txtStep).ToContainTextAsync("_validation." + txt);
        await Expect(txtStep.Locator("[data-testid=track-resend]")).ToHaveCountAsync(0);

        await mailStep.Locator("[data-testid=track-resend]").ClickAsync();
        await Expect(mailStep.Locator("[data-testid=track-resend-result]")).ToContainTextAsync("A new validation email is on its way");
        var second = ValueIn(await fx.Server.Mail.WaitForAsync("admin@" + mailed, m => ValueIn(m) != first));
        Assert.NotEqual(first, second);
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("track-validation"), FullPage = true });

        // The RA audits the resend under the tracking link, and the new value (not the old) validates the name.
        var audit = (await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/audit?action=order.validation-email-resent&target=order:{orderId}")).EnumerateArray().Single();
        Assert.Equal("tracking-link", audit.GetProperty("actor").GetString());
        await RegistrationServer.Json(await admin.PostAsJsonAsync($"/api/v1/orders/{orderId}/validations/{mailed}/verify", new { value = first }), 422);
        await RegistrationServer.Json(await admin.PostAsJsonAsync($"/api/v1/orders/{orderId}/validations/{mailed}/verify", new { value = second }), 200);

        // A DNS name has no email to resend: the RA refuses, and a wrong token finds nothing.
        await RegistrationServer.Json(await fx.Server.Anonymous.PostAsync($"/track/{token}/validations/{txt}/resend", null), 409);
        await RegistrationServer.Json(await fx.Server.Anonymous.PostAsync($"/track/trk_{new string('x', 43)}/validations/{mailed}/resend", null), 404);
    }

    [Fact]
    public async Task After_three_resends_in_the_hour_the_track_page_says_the_limit_is_reached_and_when_to_try_again()
    {
        var (accountId, adminId) = await fx.Server.CreateAccountAsync("enterprise");
        await RaTestClient.CreditAsync(fx.Server, accountId, 20_000);
        var admin = fx.Server.KeyClient(await fx.Server.NewKeyAsync(accountId, adminId));
        var mailed = $"lim-{Guid.NewGuid():N}"[..12] + ".com";
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("track-limit"), "ec:P-256", $"/CN={mailed}", $"DNS:{mailed}"));
        using var place = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { productId = "prd_tls_server", csr, validationMethod = "email" }),
        };
        place.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var orderId = (await RegistrationServer.Json(await admin.SendAsync(place), 201)).GetProperty("id").GetString()!;
        var token = (await RegistrationServer.Json(await admin.PostAsync($"/api/v1/orders/{orderId}/tracking-link", null), 200)).GetProperty("token").GetString()!;
        for (var i = 0; i < 3; i++) await RegistrationServer.Json(await fx.Server.Anonymous.PostAsync($"/track/{token}/validations/{mailed}/resend", null), 204);

        var page = await fx.NewPageAsync();
        await page.GotoAsync($"/track/{token}");
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var step = page.Locator($"[data-testid=track-validation][data-name='{mailed}']");
        await step.Locator("[data-testid=track-resend]").ClickAsync();
        var result = step.Locator("[data-testid=track-resend-result]");
        await Expect(result).ToContainTextAsync("Resend limit reached");
        await Expect(result).ToContainTextAsync("already sent 3 times in the last 60 minutes; try again in");
        await Expect(step.Locator("[data-testid=track-resend]")).ToBeDisabledAsync();
        Assert.Single((await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/audit?action=order.validation-email-resend-refused&target=order:{orderId}")).EnumerateArray());
    }

    private static string ValueIn(MimeKit.MimeMessage mail) =>
        Regex.Match(mail.TextBody ?? "", @"^\s+([a-z2-7]{26})\s*$", RegexOptions.Multiline).Groups[1].Value;

    /// <summary>Into the test output or, when asked (see <see cref="ScreenshotDocs"/>), into docs/screenshots.</summary>
    private static string Screenshot(string name)
    {
        if (ScreenshotDocs.Directory() is { } docs) return Path.Combine(docs, name + ".png");
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }
}
