using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.Registration.Contracts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// Seed 003 "Sign up" and "Activate Your Account" in Chromium: the form, its refusals beside their fields, the link
/// from the outbox opened in the browser, the password chosen there, and the first sign-in.
/// </summary>
[Trait("Category", "E2E")]
public sealed partial class PortalSignUpTests(PortalFixture fx) : IClassFixture<PortalFixture>
{
    private const string Password = RegistrationServer.Password;

    [Fact]
    public async Task An_enterprise_signs_up_is_refused_beside_each_bad_field_then_activates_by_the_emailed_link_and_signs_in()
    {
        var email = RegistrationServer.NewEmail("signup");
        var organization = "Signup Ltd " + Guid.NewGuid().ToString("N")[..8];
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/signin");
        await LiveAsync(page);
        await page.Locator("#sign-up").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signup$"));
        await LiveAsync(page);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign up as an enterprise");

        await page.Locator("#signup-name").FillAsync("Ada Lovelace");
        await page.Locator("#signup-email").FillAsync("not an address");
        await page.Locator("#signup-mobile").FillAsync("+44 20 7946 0000");
        await page.Locator("#signup-organization").FillAsync(organization);
        await page.Locator("#signup").ClickAsync();
        await Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("'email' is not a valid address");
        await Expect(page.Locator("#signup-organization")).ToHaveValueAsync(organization); // nothing typed is lost

        await page.Locator("#signup-email").FillAsync(email);
        await page.Locator("#signup").ClickAsync();
        await Expect(page.Locator("[data-testid=terms-error]")).ToContainTextAsync("terms and conditions must be accepted");
        await fx.ScreenshotAsync(page, "signup-refused");
        Assert.Null(await AccountNamedAsync(organization)); // refused: no account, no login, no email
        Assert.Null(await fx.Server.Get<IUserStore>().FindByEmailAsync(email, CancellationToken.None));

        await page.GetByText("I accept the terms and conditions").ClickAsync();
        await page.Locator("#signup").ClickAsync();
        await Expect(page.Locator("[data-testid=signup-accepted]")).ToHaveAttributeAsync("data-status", "pending-activation");
        await fx.ScreenshotAsync(page, "signup-accepted");
        Assert.Equal("pending-activation", (await AccountNamedAsync(organization))?.GetProperty("status").GetString());

        // The link exactly as the email gives it, opened in a fresh browser.
        var link = EmailedLink().Match((await fx.Server.LastMessageAsync(email)).Body);
        Assert.True(link.Success, "the activation email carries a portal link");
        var activate = await fx.NewPageAsync();
        await activate.GotoAsync(link.Groups[1].Value);
        await LiveAsync(activate);
        await Expect(activate.Locator("[data-testid=activating]")).ToContainTextAsync(email);

        await activate.Locator("#password").FillAsync("too short");
        await activate.Locator("#confirm").FillAsync("too short");
        await activate.Locator("#activate").ClickAsync();
        await Expect(activate.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("at least 12 characters");
        await activate.Locator("#password").FillAsync(Password);
        await activate.Locator("#confirm").FillAsync(Password + " but different");
        await activate.Locator("#activate").ClickAsync();
        await Expect(activate.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("the two passwords differ");
        Assert.Equal(UserStatus.Invited, (await fx.Server.Get<IUserStore>().FindByEmailAsync(email, CancellationToken.None))!.Status); // the link is not spent

        await activate.Locator("#confirm").FillAsync(Password);
        await activate.Locator("#activate").ClickAsync();
        await Expect(activate.Locator("[data-testid=activated]")).ToContainTextAsync(email);
        await fx.ScreenshotAsync(activate, "activated");
        Assert.Equal("active", (await AccountNamedAsync(organization))?.GetProperty("status").GetString());

        await activate.Locator("#go-sign-in").ClickAsync();
        await Expect(activate).ToHaveURLAsync(new Regex("/signin"));
        await LiveAsync(activate);
        await activate.Locator("#email").FillAsync(email);
        await activate.Locator("#password").FillAsync(Password);
        await activate.Locator("#sign-in").ClickAsync();
        await Expect(activate.Locator("[data-testid=dashboard-ready]")).ToBeAttachedAsync();

        // The same link again: it worked once and says so.
        var again = await fx.NewPageAsync();
        await again.GotoAsync(link.Groups[1].Value);
        await Expect(again.Locator("[data-testid=link-refused]")).ToContainTextAsync("already used");
        await Expect(again.Locator("#password")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_partner_sign_up_waits_for_approval_and_sends_no_activation_link()
    {
        var email = RegistrationServer.NewEmail("partner");
        var organization = "Partner Ltd " + Guid.NewGuid().ToString("N")[..8];
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/signin");
        await LiveAsync(page);
        await page.Locator("#sign-up-partner").ClickAsync();
        await LiveAsync(page);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign up as a partner");

        await page.Locator("#signup-name").FillAsync("Grace Hopper");
        await page.Locator("#signup-email").FillAsync(email);
        await page.Locator("#signup-organization").FillAsync(organization);
        await page.GetByText("I accept the terms and conditions").ClickAsync();
        await page.Locator("#signup").ClickAsync();
        await Expect(page.Locator("[data-testid=signup-accepted]")).ToHaveAttributeAsync("data-status", "pending-approval");

        var account = await AccountNamedAsync(organization);
        Assert.Equal(("partner", "pending-approval"), (account?.GetProperty("kind").GetString(), account?.GetProperty("status").GetString()));
        Assert.Null(await fx.Server.ActivationTokenAsync(email));
        Assert.Contains("approved", (await fx.Server.LastMessageAsync(email)).Body);
    }

    [Fact]
    public async Task A_link_that_cannot_be_used_says_why_and_offers_no_password_form()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/activate?token=" + Guid.NewGuid().ToString("N"));
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=link-refused]")).ToContainTextAsync("the activation link is not valid");
        await Expect(page.Locator("#password")).ToHaveCountAsync(0);

        await page.GotoAsync("/activate");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=link-refused]")).ToContainTextAsync("from the activation link is required");
        await Expect(page.Locator("#password")).ToHaveCountAsync(0);
    }

    private async Task<JsonElement?> AccountNamedAsync(string name)
    {
        var all = await fx.Server.Client.GetFromJsonAsync<JsonElement>("/api/v1/accounts?pageSize=500");
        return all.EnumerateArray().Where(a => a.GetProperty("name").GetString() == name).Select(a => (JsonElement?)a).SingleOrDefault();
    }

    private static Task LiveAsync(IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>The path and query of the emailed activation link; the portal URL before it is the test server's.</summary>
    [GeneratedRegex(@"https?://[^/\s]+(/activate\?token=[A-Za-z0-9_-]+)")]
    private static partial Regex EmailedLink();
}
