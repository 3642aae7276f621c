using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.Registration.Contracts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// Seed 003 onboarding in Chromium: "Sign up" and "Activate Your Account" (the form, its refusals beside their fields,
/// the link from the outbox opened in the browser, the password chosen there, the first sign-in), the operator's
/// approval of a partner, the partner's own sub-accounts, and the API keys and EAB credentials a new account's
/// automation starts from.
/// </summary>
[Trait("Category", "E2E")]
public sealed partial class PortalOnboardingTests(PortalFixture fx) : IClassFixture<PortalFixture>
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

    [Fact]
    public async Task An_operator_approves_a_partner_whose_administrator_activates_and_creates_a_sub_account_no_other_tenant_sees()
    {
        var email = RegistrationServer.NewEmail("reseller");
        var organization = "Reseller " + Guid.NewGuid().ToString("N")[..8];
        using (var signUp = await fx.Server.Anonymous.PostAsJsonAsync("/api/v1/signup",
                   new { kind = "partner", name = "Rhea Seller", email, organization, acceptTerms = true }))
            await RegistrationServer.Json(signUp, 202);
        var partner = (await AccountNamedAsync(organization))!.Value;
        var number = partner.GetProperty("number").GetString()!;

        var op = await fx.Server.AddMemberAsync("operator", "operator-admin");
        var page = await SignedInAsync(op.Email);
        await page.Locator("[data-testid=nav-accounts]").ClickAsync();
        await Expect(page.Locator("[data-testid=accounts-ready]")).ToBeAttachedAsync();
        await page.Locator("#status-pending-approval").ClickAsync();
        await Expect(page.Locator($"[data-testid=account-status-{number}]")).ToHaveTextAsync("Pending approval");
        // The filter leaves exactly the accounts the RA reports waiting, each saying so.
        var waiting = (await fx.Server.Client.GetFromJsonAsync<JsonElement>("/api/v1/accounts?pageSize=500")).EnumerateArray()
            .Count(a => a.GetProperty("status").GetString() == "pending-approval");
        await Expect(page.Locator("[data-testid^=account-status-]")).ToHaveCountAsync(waiting);
        Assert.All(await page.Locator("[data-testid^=account-status-]").AllInnerTextsAsync(), s => Assert.Equal("Pending approval", s));
        await fx.ScreenshotAsync(page, "accounts-pending");
        await page.Locator($"[data-testid=approve-{number}]").ClickAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToContainTextAsync($"{organization} is approved");
        await page.Locator("#status-all").ClickAsync();
        await Expect(page.Locator($"[data-testid=account-status-{number}]")).ToHaveTextAsync("Pending activation");
        var approvals = await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=account.approved&target=account:{partner.GetProperty("id").GetString()}");
        Assert.Equal($"user:{op.UserId}", approvals.EnumerateArray().Single().GetProperty("actor").GetString());

        // The partner's administrator activates with the link the approval sent, then manages sub-accounts.
        using (var activated = await fx.Server.ActivateAsync((await fx.Server.ActivationTokenAsync(email))!)) await RegistrationServer.Json(activated, 200);
        var reseller = await SignedInAsync(email);
        await Expect(reseller.Locator("[data-testid=nav-accounts]")).ToHaveTextAsync("Sub-accounts");
        await reseller.Locator("[data-testid=nav-accounts]").ClickAsync();
        await Expect(reseller.Locator("[data-testid=accounts-ready]")).ToBeAttachedAsync();
        await Expect(reseller.Locator("[data-testid=no-accounts]")).ToBeVisibleAsync();

        var customer = "Customer " + Guid.NewGuid().ToString("N")[..8];
        await reseller.Locator("#new-name").FillAsync(customer);
        await reseller.Locator("#new-admin-email").FillAsync("not an address");
        await reseller.Locator("#create-account").ClickAsync();
        await Expect(reseller.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("'email' is not a valid address");
        await Expect(reseller.Locator("#new-name")).ToHaveValueAsync(customer);
        Assert.Null(await AccountNamedAsync(customer));

        var customerAdmin = RegistrationServer.NewEmail("customer");
        await reseller.Locator("#new-admin-email").FillAsync(customerAdmin);
        await reseller.Locator("#create-account").ClickAsync();
        await Expect(reseller.Locator("[data-testid=action-done]")).ToContainTextAsync($"Account {customer}");
        await Expect(reseller.Locator("[data-testid=account-name]")).ToHaveTextAsync([customer]);
        await fx.ScreenshotAsync(reseller, "sub-accounts");
        var sub = (await AccountNamedAsync(customer))!.Value;
        Assert.Equal(("enterprise", partner.GetProperty("id").GetString(), "pending-activation"),
            (sub.GetProperty("kind").GetString(), sub.GetProperty("parentId").GetString(), sub.GetProperty("status").GetString()));
        Assert.NotNull(await fx.Server.ActivationTokenAsync(customerAdmin));

        // An enterprise administrator has no sub-accounts, no creation form, and none of the partner's.
        var other = await SignedInAsync(fx.B.AdminEmail);
        await other.GotoAsync("/accounts");
        await LiveAsync(other);
        await Expect(other.Locator("[data-testid=no-sub-accounts]")).ToBeVisibleAsync();
        await Expect(other.Locator("#create-account")).ToHaveCountAsync(0);
        await Expect(other.Locator("[data-testid=account-name]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_API_key_made_in_the_portal_is_shown_once_works_until_revoked_there_and_EAB_credentials_likewise()
    {
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.Locator("[data-testid=nav-integrations]").ClickAsync();
        await Expect(page.Locator("[data-testid=integrations-ready]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=acme-directories]")).ToContainTextAsync("/acme/directory");

        await page.Locator("#create-key").ClickAsync();
        await Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("'name' is required");
        await page.Locator("#key-name").FillAsync("deploy-bot");
        await page.Locator("#create-key").ClickAsync();
        var secret = await page.Locator("[data-testid=new-key-secret]").InnerTextAsync();
        using var client = fx.Server.KeyClient(secret);
        await RegistrationServer.Json(await client.GetAsync($"/api/v1/accounts/{fx.A.AccountId}"), 200);
        var keyId = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{fx.A.AccountId}/api-keys")).EnumerateArray()
            .Single(k => k.GetProperty("name").GetString() == "deploy-bot").GetProperty("id").GetString()!;
        await Expect(page.Locator($"[data-testid=key-state-{keyId}]")).ToHaveTextAsync("Active");

        await page.Locator("#create-eab").ClickAsync();
        var kid = await page.Locator("[data-testid=new-eab-kid]").InnerTextAsync();
        var hmac = await page.Locator("[data-testid=new-eab-hmac]").InnerTextAsync();
        await Expect(page.Locator("[data-testid=new-eab-certbot]")).ToContainTextAsync($"--eab-kid {kid} --eab-hmac-key {hmac}");
        await Expect(page.Locator($"[data-testid=eab-state-{kid}]")).ToHaveTextAsync("Active");
        await fx.ScreenshotAsync(page, "integrations");

        await page.Locator($"[data-testid=revoke-key-{keyId}]").ClickAsync();
        await Expect(page.Locator($"[data-testid=key-state-{keyId}]")).ToContainTextAsync("Revoked");
        await RegistrationServer.Json(await client.GetAsync($"/api/v1/accounts/{fx.A.AccountId}"), 401);
        await page.Locator($"[data-testid=revoke-eab-{kid}]").ClickAsync();
        await Expect(page.Locator($"[data-testid=eab-state-{kid}]")).ToContainTextAsync("Revoked");

        // Secrets were shown once: a fresh load of the page has neither, and the API listings never had them.
        await page.ReloadAsync();
        await LiveAsync(page);
        await Expect(page.Locator($"[data-testid=eab-state-{kid}]")).ToContainTextAsync("Revoked");
        Assert.DoesNotContain(secret, await page.ContentAsync());
        Assert.DoesNotContain(hmac, await page.ContentAsync());
        Assert.DoesNotContain(hmac, await fx.Server.Client.GetStringAsync($"/api/v1/accounts/{fx.A.AccountId}/eab-credentials"));
        var revoked = await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=acme.eab-revoked&target=account:{fx.A.AccountId}");
        Assert.Contains(revoked.EnumerateArray(), e => e.GetProperty("detailsJson").GetString()!.Contains(kid, StringComparison.Ordinal));
    }

    private async Task<IPage> SignedInAsync(string email) => await PortalPages.SignedInAsync(await fx.NewPageAsync(), email);

    private async Task<JsonElement?> AccountNamedAsync(string name)
    {
        var all = await fx.Server.Client.GetFromJsonAsync<JsonElement>("/api/v1/accounts?pageSize=500");
        return all.EnumerateArray().Where(a => a.GetProperty("name").GetString() == name).Select(a => (JsonElement?)a).SingleOrDefault();
    }


    /// <summary>The path and query of the emailed activation link; the portal URL before it is the test server's.</summary>
    [GeneratedRegex(@"https?://[^/\s]+(/activate\?token=[A-Za-z0-9_-]+)")]
    private static partial Regex EmailedLink();
}
