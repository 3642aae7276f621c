using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.Portal;

/// <summary>The portal in Chromium: sign-in, the dashboard's figures, an approval that the REST API then reports, tenant isolation.</summary>
[Trait("Category", "E2E")]
public sealed class PortalTests(PortalFixture fx) : IClassFixture<PortalFixture>
{
    private const string Password = Castellan.IntegrationTests.Registration.RegistrationServer.Password;

    [Fact]
    public async Task A_wrong_password_is_refused_next_to_the_field_keeping_the_email_and_the_right_one_lands_on_the_dashboard()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/");
        // Not signed in: the portal sends the browser to the sign-in page.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await LiveAsync(page);

        await page.Locator("#email").FillAsync(fx.B.AdminEmail);
        await page.Locator("#password").FillAsync("not the password at all");
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.GetByText("The email or password is not correct.")).ToBeVisibleAsync();
        await Expect(page.Locator("#password")).ToHaveValueAsync("");
        await Expect(page.Locator("#email")).ToHaveValueAsync(fx.B.AdminEmail);
        await fx.ScreenshotAsync(page, "signin-refused");

        // An unknown email reads exactly the same.
        await page.Locator("#email").FillAsync("nobody-" + Guid.NewGuid().ToString("N")[..8] + "@example.com");
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#sign-in").ClickAsync();
        // The message is still on the page from the first refusal, so the cleared password is what says this one was
        // answered; typing before that answer arrives would be wiped by it.
        await Expect(page.Locator("#password")).ToHaveValueAsync("");
        await Expect(page.GetByText("The email or password is not correct.")).ToBeVisibleAsync();

        await page.Locator("#email").FillAsync(fx.B.AdminEmail);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("[data-testid=dashboard-ready]")).ToBeAttachedAsync();
        Assert.EndsWith("/", page.Url);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
    }

    [Fact]
    public async Task The_dashboard_counts_the_tenants_seeded_orders_and_its_tiles_open_the_filtered_list()
    {
        var page = await SignedInAsync(fx.B.AdminEmail);
        await Expect(page.Locator("[data-testid=pending-count]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-testid=status-pending-approval]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-testid=status-fulfilled]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=status-on-hold]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=status-rejected]")).ToHaveTextAsync("0");
        // tls-server certificates live 199 days: none expires within 90.
        await Expect(page.Locator("[data-testid=expiring-90]")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-testid=issued-total]")).ToContainTextAsync("1 issued");
        // 30000 credited, three paid orders at 5000.
        await Expect(page.Locator("[data-testid=balance]")).ToHaveTextAsync("150.00 USD");
        await Expect(page.Locator("[data-testid=low-balance]")).ToHaveCountAsync(0);
        await fx.ScreenshotAsync(page, "dashboard");

        await page.Locator("[data-testid=tile-pending]").ClickAsync();
        await Expect(page.Locator("[data-testid=orders-loaded-pending-approval]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=order-link]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=order-status]")).ToHaveTextAsync(["Order Pending for Approval", "Order Pending for Approval"]);
        await fx.ScreenshotAsync(page, "orders-pending");
    }

    [Fact]
    public async Task An_approval_in_the_browser_changes_the_orders_status_as_the_REST_API_reports_it()
    {
        var id = fx.PendingInA[0];
        Assert.Equal("pending-approval", await fx.StatusOverApiAsync(id));
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync($"/orders/{id}");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=order-ready-pending-approval]")).ToBeAttachedAsync();
        await page.Locator("#approve").ClickAsync();
        // The order had a CSR, so approval issues it at once.
        await Expect(page.Locator("[data-testid=order-ready-fulfilled]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToHaveTextAsync("Order approved.");
        await fx.ScreenshotAsync(page, "order-approved");
        Assert.Equal("fulfilled", await fx.StatusOverApiAsync(id));
    }

    [Fact]
    public async Task A_rejection_without_a_reason_is_refused_by_the_field_and_with_one_the_order_is_rejected()
    {
        var id = fx.PendingInA[1];
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync($"/orders/{id}");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=order-ready-pending-approval]")).ToBeAttachedAsync();
        await page.Locator("#reject").ClickAsync();
        await Expect(page.GetByText("Give the reason the applicant will read")).ToBeVisibleAsync();
        Assert.Equal("pending-approval", await fx.StatusOverApiAsync(id));

        await page.Locator("#reject-reason").FillAsync("the domain is not yours");
        await page.Locator("#reject").ClickAsync();
        await Expect(page.Locator("[data-testid=order-ready-rejected]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=status-reason]")).ToHaveTextAsync("the domain is not yours");
        Assert.Equal("rejected", await fx.StatusOverApiAsync(id));
    }

    [Fact]
    public async Task A_tenant_user_cannot_open_another_tenants_order_by_its_address()
    {
        var page = await SignedInAsync(fx.B.AdminEmail);
        var foreign = fx.PendingInA[0];
        await page.GotoAsync($"/orders/{foreign}");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=order-not-found]")).ToContainTextAsync($"order '{foreign}' does not exist");
        await Expect(page.Locator("#approve")).ToHaveCountAsync(0);
        await Expect(page.GetByText(fx.A.AccountId)).ToHaveCountAsync(0);
        await fx.ScreenshotAsync(page, "foreign-order");
    }

    private async Task<IPage> SignedInAsync(string email) => await PortalPages.SignedInAsync(await fx.NewPageAsync(), email);
}
