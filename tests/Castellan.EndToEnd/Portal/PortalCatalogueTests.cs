using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// The catalogue screens (products, domains) and the low-balance setting in Chromium against a real server, with the
/// real BIND the fixture's server resolves through. Each form first gets one bad input: the RA's message must appear
/// beside that field with the typed input kept. What the browser saved is then seen where it takes effect: the
/// product in the New Request wizard, the domain Verified by the validation authority, the alert on the dashboard.
/// </summary>
[Trait("Category", "E2E")]
public sealed class PortalCatalogueTests(PortalFixture fx) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task A_private_product_is_created_after_a_too_long_validity_is_refused_by_its_field_and_is_offered_in_New_Request()
    {
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.Locator("[data-testid=nav-products]").ClickAsync();
        await Expect(page.Locator("[data-testid=products-ready]")).ToBeAttachedAsync();
        await LiveAsync(page);
        // Both tabs: the built-in public TLS catalogue is there, under Public.
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^Public") }).ClickAsync();
        await Expect(page.Locator("[data-testid=public-products]")).ToContainTextAsync("TLS server");
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^Private") }).ClickAsync();

        // tls-client allows at most 5 years: 4000 days is refused beside the validity, the rest stays as typed.
        await page.Locator("#product-name").FillAsync("Lab devices");
        await page.Locator("#product-validity").FillAsync("4000");
        await page.Locator("#product-price").FillAsync("12.50");
        await page.Locator("#product-sans").FillAsync("2");
        await page.Locator("#create-product").ClickAsync();
        await Expect(FieldOf(page, "#product-validity")).ToContainTextAsync("'validityDays' must be 1 to 1825 for profile 'tls-client'");
        await Expect(page.Locator("#product-name")).ToHaveValueAsync("Lab devices");
        await Expect(page.Locator("#product-price")).ToHaveValueAsync("12.50");
        await Expect(page.Locator("#product-sans")).ToHaveValueAsync("2");
        await ShotAsync(page, "product-form-refused");

        await page.Locator("#product-validity").FillAsync("730");
        await page.Locator("#create-product").ClickAsync();
        await Expect(page.Locator("[data-testid=product-created]")).ToContainTextAsync("Lab devices created");
        await Expect(page.Locator("[data-testid='product-price-Lab devices']")).ToHaveTextAsync("12.50 USD");
        await Expect(page.Locator("#product-name")).ToHaveValueAsync("");
        await ShotAsync(page, "products");
        await Expect(page.Locator("[data-testid=product-form]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=product-form]").ScreenshotAsync(new() { Path = Path.Combine(fx.Screenshots, "product-form.png") });

        // The RA stored it as typed, private to this account.
        var products = await fx.A.Admin.GetFromJsonAsync<JsonElement>("/api/v1/products");
        var lab = products.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Lab devices");
        Assert.Equal(730, lab.GetProperty("validityDays").GetInt32());
        Assert.Equal(1250, lab.GetProperty("pricePerYearMinor").GetInt64());
        Assert.Equal(2, lab.GetProperty("sansIncluded").GetInt32());
        Assert.Equal("tls-client", lab.GetProperty("profileId").GetString());
        var id = lab.GetProperty("id").GetString()!;

        // Offered in the New Request wizard of this account, and not in another tenant's.
        await page.Locator("[data-testid=nav-new-request]").ClickAsync();
        await Expect(page.Locator($"[data-testid=product-{id}]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { NameRegex = new("^Lab devices · 12.50 USD per year · 2 names included · up to 730 days") })).ToBeVisibleAsync();
        var other = await SignedInAsync(fx.B.AdminEmail);
        await other.GotoAsync("/requests/new");
        await LiveAsync(other);
        await Expect(other.Locator("[data-testid=product-prd_tls_server]")).ToBeVisibleAsync();
        await Expect(other.Locator($"[data-testid=product-{id}]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_private_product_is_edited_after_a_validity_beyond_its_profile_is_refused_by_its_field_and_then_disabled()
    {
        var name = "Edit me " + Guid.NewGuid().ToString("N")[..6];
        var created = await RegistrationServer.Json(await fx.A.Admin.PostAsJsonAsync($"/api/v1/accounts/{fx.A.AccountId}/products", new
        {
            name, profileId = "tls-client", validityDays = 365, pricePerYearMinor = 1_000, currency = "USD", approvalMode = "manual",
        }), 201);
        var id = created.GetProperty("id").GetString()!;
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync("/products");
        await LiveAsync(page);
        await page.Locator($"[data-testid='product-edit-{name}']").ClickAsync();
        await Expect(page.Locator("#edit-name")).ToHaveValueAsync(name);

        // Beyond tls-client's 1825 days: the RA's message beside the validity, the typed values kept, nothing stored.
        await page.Locator("#edit-name").FillAsync(name + " v2");
        await page.Locator("#edit-validity").FillAsync("4000");
        await page.Locator("#edit-price").FillAsync("20.00");
        await page.Locator("#edit-criteria").FillAsync("Device is in the inventory\nOwner confirmed");
        await page.Locator("#save-product").ClickAsync();
        await Expect(FieldOf(page, "#edit-validity")).ToContainTextAsync("'validityDays' must be 1 to 1825 for profile 'tls-client'");
        await Expect(page.Locator("#edit-name")).ToHaveValueAsync(name + " v2");
        await Expect(page.Locator("#edit-price")).ToHaveValueAsync("20.00");
        await ShotAsync(page, "product-edit-refused");
        Assert.Equal(name, (await fx.A.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/products/{id}")).GetProperty("name").GetString());

        await page.Locator("#edit-validity").FillAsync("730");
        await page.Locator("#save-product").ClickAsync();
        await Expect(page.Locator("[data-testid=product-edit-done]")).ToContainTextAsync($"{name} v2 saved");
        var saved = await fx.A.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/products/{id}");
        Assert.Equal((730, 2_000L), (saved.GetProperty("validityDays").GetInt32(), saved.GetProperty("pricePerYearMinor").GetInt64()));
        Assert.Equal(["Device is in the inventory", "Owner confirmed"], saved.GetProperty("checklist").EnumerateArray().Select(e => e.GetString()!));

        await page.Locator($"[data-testid='product-edit-{name} v2']").ClickAsync();
        await page.Locator("#disable-product").ClickAsync();
        await Expect(page.Locator("[data-testid=product-edit-done]")).ToContainTextAsync("disabled");
        await Expect(page.Locator($"[data-testid='product-disabled-{name} v2']")).ToBeVisibleAsync();
        await ShotAsync(page, "products-edited");
        // The RA takes no new order of it, and the wizard no longer offers it.
        using var place = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { productId = id }) };
        place.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        await RegistrationServer.Json(await fx.A.Admin.SendAsync(place), 409);
        await page.GotoAsync("/requests/new");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=product-prd_tls_server]")).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid=product-{id}]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_domain_is_added_after_a_malformed_name_is_refused_by_its_field_shows_its_TXT_value_and_is_verified_through_DNS()
    {
        const string name = "shop.example.com";
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.Locator("[data-testid=nav-domains]").ClickAsync();
        await Expect(page.Locator("[data-testid=domains-ready]")).ToBeAttachedAsync();
        await LiveAsync(page);

        // A malformed name is refused beside the name field; the name and the chosen method stay.
        await page.Locator("[data-testid=method-http-file]").ClickAsync();
        await page.Locator("#domain-name").FillAsync("shop example.com");
        await page.Locator("#add-domain").ClickAsync();
        await Expect(FieldOf(page, "#domain-name")).ToContainTextAsync("is not a valid domain name");
        await Expect(page.Locator("#domain-name")).ToHaveValueAsync("shop example.com");
        await Expect(page.Locator("[data-testid=method-http-file]")).ToBeCheckedAsync();
        await ShotAsync(page, "domains-name-refused");

        await page.Locator("[data-testid=method-dns-txt]").ClickAsync();
        await page.Locator("#domain-name").FillAsync(name);
        await page.Locator("#add-domain").ClickAsync();
        await Expect(page.Locator($"[data-testid='domain-status-{name}']")).ToHaveTextAsync("Pending");
        await Expect(page.Locator("[data-testid=challenge-location]")).ToHaveTextAsync($"_validation.{name}");
        var value = (await page.Locator("[data-testid=challenge-value]").TextContentAsync())!.Trim();
        Assert.Matches("^[A-Za-z0-9_-]{20,}$", value);
        await ShotAsync(page, "domains-pending");

        // Not published yet: "verify now" fails, the domain stays Pending with the reason shown.
        await page.Locator("#verify-domain").ClickAsync();
        await Expect(page.Locator("[data-testid=error]")).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid='domain-status-{name}']")).ToHaveTextAsync("Pending");

        // Published in the real DNS server the validation authority asks: verified, with an expiry.
        await fx.Server.DcvDns!.AddAsync($"_validation.{name}", "TXT", $"\"{value}\"");
        await page.Locator("#verify-domain").ClickAsync();
        await Expect(page.Locator($"[data-testid='domain-status-{name}']")).ToHaveTextAsync("Verified");
        await Expect(page.Locator("[data-testid=domain-verified]")).ToContainTextAsync($"{name} is verified");
        await Expect(page.Locator($"[data-testid='domain-expires-{name}']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2}$"));
        await Expect(page.Locator("[data-testid=challenge-value]")).ToHaveCountAsync(0);
        await ShotAsync(page, "domains");

        var domains = await fx.A.Admin.GetFromJsonAsync<JsonElement>("/api/v1/domains");
        var shop = domains.EnumerateArray().Single(d => d.GetProperty("name").GetString() == name);
        Assert.Equal("verified", shop.GetProperty("status").GetString());
        Assert.Equal("dns-txt", shop.GetProperty("method").GetString());

        // The restricted list: a restriction added here is what the RA refuses a domain for.
        await page.Locator("#restrict-name").FillAsync("blocked.example.org");
        await page.Locator("#restrict-domain").ClickAsync();
        await Expect(page.Locator("[data-testid=restricted-name]")).ToHaveTextAsync("blocked.example.org");
        await page.Locator("#domain-name").FillAsync("www.blocked.example.org");
        await page.Locator("#add-domain").ClickAsync();
        await Expect(FieldOf(page, "#domain-name")).ToContainTextAsync("not allowed due to specific domain restrictions");
        await Expect(page.Locator("#domain-name")).ToHaveValueAsync("www.blocked.example.org");
    }

    [Fact]
    public async Task The_dashboard_low_balance_alert_follows_the_accounts_threshold_after_a_negative_one_is_refused_by_its_field()
    {
        var page = await SignedInAsync(fx.B.AdminEmail);
        // B holds 150.00 USD (300.00 credited, 150.00 spent): above the default threshold of 100.00.
        await Expect(page.Locator("[data-testid=balance]")).ToHaveTextAsync("150.00 USD");
        await Expect(page.Locator("[data-testid=low-balance]")).ToHaveCountAsync(0);

        await page.GotoAsync("/settings/notifications");
        await LiveAsync(page);
        await page.Locator("#low-balance").FillAsync("-1");
        await page.Locator("#save-notifications").ClickAsync();
        await Expect(FieldOf(page, "#low-balance")).ToContainTextAsync("'lowBalanceThresholdMinor' must not be negative");
        await Expect(page.Locator("#low-balance")).ToHaveValueAsync("-1");

        await page.Locator("#low-balance").FillAsync("20000");
        await page.Locator("#save-notifications").ClickAsync();
        await Expect(page.Locator("[data-testid=notifications-saved]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=nav-dashboard]").ClickAsync();
        await Expect(page.Locator("[data-testid=low-balance]")).ToContainTextAsync("below 200.00 USD");

        // Lowered under the balance again: the alert goes.
        var settings = await fx.B.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{fx.B.AccountId}/notification-settings");
        Assert.Equal(20_000, settings.GetProperty("lowBalanceThresholdMinor").GetInt64());
        await page.GotoAsync("/settings/notifications");
        await LiveAsync(page);
        await page.Locator("#low-balance").FillAsync("15000");
        await page.Locator("#save-notifications").ClickAsync();
        await Expect(page.Locator("[data-testid=notifications-saved]")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("[data-testid=dashboard-ready]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=balance]")).ToHaveTextAsync("150.00 USD");
        await Expect(page.Locator("[data-testid=low-balance]")).ToHaveCountAsync(0);
    }

    /// <summary>From the top: a full-page shot of a scrolled page draws the fixed app bar over the middle.</summary>
    private async Task ShotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await fx.ScreenshotAsync(page, name);
    }

    /// <summary>The MudBlazor input control around one input: its helper line is where the field's message shows.</summary>
    private static ILocator FieldOf(IPage page, string inputSelector) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.Locator(inputSelector) });

    private async Task<IPage> SignedInAsync(string email) => await PortalPages.SignedInAsync(await fx.NewPageAsync(), email);
}
