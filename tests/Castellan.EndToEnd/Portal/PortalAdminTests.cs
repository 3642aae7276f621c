using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// The administration screens (roles, groups, organisations) in Chromium against a real server. Each form is first
/// sent one bad input: the RA's message must appear beside that field with everything typed still there. What the
/// browser saved is then read back over the REST API, and a custom role is proved by what its holder can open.
/// </summary>
[Trait("Category", "E2E")]
public sealed class PortalAdminTests(PortalFixture fx) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task A_custom_role_with_two_permissions_is_assigned_on_Users_and_its_holder_sees_only_what_it_allows()
    {
        var member = await fx.Server.AddMemberAsync(fx.A.AccountId, "basic-user");
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync("/settings/roles");
        await LiveAsync(page);

        // A built-in role's name is refused beside the name field; the name and both ticks stay.
        await page.Locator("#role-name").FillAsync("Manager");
        await page.Locator("[data-testid=perm-DashboardView] input").CheckAsync();
        await page.Locator("[data-testid=perm-OrganizationsManage] input").CheckAsync();
        await page.Locator("#save-role").ClickAsync();
        await Expect(FieldOf(page, "#role-name")).ToContainTextAsync("'Manager' is the name of a built-in role");
        await Expect(page.Locator("#role-name")).ToHaveValueAsync("Manager");
        await Expect(page.Locator("[data-testid=perm-DashboardView] input")).ToBeCheckedAsync();
        await Expect(page.Locator("[data-testid=perm-OrganizationsManage] input")).ToBeCheckedAsync();
        await Expect(page.Locator("[data-testid=perm-UsersManage] input")).Not.ToBeCheckedAsync();
        await ShotAsync(page, "roles-name-refused");

        await page.Locator("#role-name").FillAsync("Org clerk");
        await page.Locator("#save-role").ClickAsync();
        await Expect(page.Locator("[data-testid='role-permissions-Org clerk']")).ToHaveTextAsync("2");
        await ShotAsync(page, "roles");
        var roles = await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{fx.A.AccountId}/roles");
        var clerk = roles.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Org clerk");
        Assert.Equal(["DashboardView", "OrganizationsManage"], clerk.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));
        var roleId = clerk.GetProperty("id").GetString()!;

        // Assigned from the Users screen with the keyboard-operable select.
        await page.GotoAsync("/users");
        await LiveAsync(page);
        await page.Locator($"[data-testid='role-{member.Email}']").SelectOptionAsync(new SelectOptionValue { Label = "Org clerk" });
        await Expect(page.GetByText($"{member.Email} is now Org clerk.")).ToBeVisibleAsync();
        var members = await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{fx.A.AccountId}/users");
        Assert.Equal(roleId, members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == member.Email).GetProperty("role").GetString());

        // The holder: the menu offers organisations and nothing the role lacks; the RA refuses the rest if typed in.
        var clerkPage = await SignedInAsync(member.Email);
        await Expect(clerkPage.Locator("[data-testid=nav-organizations]")).ToBeVisibleAsync();
        foreach (var hidden in new[] { "nav-new-request", "nav-users", "nav-roles", "nav-groups", "nav-audit", "nav-security" })
            await Expect(clerkPage.Locator($"[data-testid={hidden}]")).ToHaveCountAsync(0);
        await clerkPage.Locator("[data-testid=nav-organizations]").ClickAsync();
        await Expect(clerkPage.Locator("[data-testid=organizations-ready]")).ToBeAttachedAsync();
        await Expect(clerkPage.Locator("[data-testid=error]")).ToHaveCountAsync(0);
        await clerkPage.GotoAsync("/groups");
        await LiveAsync(clerkPage);
        await Expect(clerkPage.Locator("[data-testid=group-form]")).ToHaveCountAsync(0);
        await clerkPage.GotoAsync("/users");
        await LiveAsync(clerkPage);
        await Expect(clerkPage.Locator("[data-testid=error]")).ToContainTextAsync("lacks the 'UsersManage' permission");
    }

    [Fact]
    public async Task A_group_is_created_with_listed_members_and_a_spend_limit_after_a_taken_name_is_refused_by_its_field()
    {
        var member = await fx.Server.AddMemberAsync(fx.A.AccountId, "standard-user");
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync("/groups");
        await LiveAsync(page);

        // "Default" is the account's default group: refused beside the name, and the rest of the form is kept.
        await page.Locator("#group-name").FillAsync("Default");
        await page.Locator("[data-testid=group-access-listed]").ClickAsync();
        await page.Locator($"[data-testid='group-member-{member.Email}'] input").CheckAsync();
        await page.Locator("[data-testid=group-mode-group]").ClickAsync();
        await page.Locator("#group-limit").FillAsync("250.00");
        await page.Locator("#save-group").ClickAsync();
        await Expect(FieldOf(page, "#group-name")).ToContainTextAsync("already has a group named 'Default'");
        await Expect(page.Locator("#group-name")).ToHaveValueAsync("Default");
        await Expect(page.Locator("#group-limit")).ToHaveValueAsync("250.00");
        await Expect(page.Locator($"[data-testid='group-member-{member.Email}'] input")).ToBeCheckedAsync();
        await ShotAsync(page, "groups-name-refused");

        await page.Locator("#group-name").FillAsync("Web team");
        await page.Locator("#save-group").ClickAsync();
        await Expect(page.Locator("[data-testid='group-limit-Web team']")).ToHaveTextAsync("250.00 USD per month");
        await Expect(page.Locator("[data-testid='group-mode-Web team']")).ToHaveTextAsync("Group balance");
        await Expect(page.Locator("[data-testid='group-balance-Web team']")).ToHaveTextAsync("0.00 USD");
        // The default group pays from the account: its balance is the account's (credited 500.00, orders placed since).
        await Expect(page.Locator("[data-testid='group-balance-Default']")).Not.ToHaveTextAsync("—");
        await ShotAsync(page, "groups");

        var groups = await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{fx.A.AccountId}/groups");
        var web = groups.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "Web team");
        Assert.Equal("listed-users", web.GetProperty("userAccess").GetString());
        Assert.Equal([member.UserId], web.GetProperty("userIds").EnumerateArray().Select(u => u.GetString()!));
        Assert.Equal(25_000, web.GetProperty("finance").GetProperty("spendLimitMinor").GetInt64());
        Assert.Equal("group", web.GetProperty("finance").GetProperty("mode").GetString());

        // Editing keeps the group and changes only what was changed.
        await page.Locator("[data-testid='edit-group-Web team']").ClickAsync();
        await Expect(page.Locator("#group-limit")).ToHaveValueAsync("250.00");
        await page.Locator("#group-limit").FillAsync("");
        await page.Locator("#save-group").ClickAsync();
        await Expect(page.Locator("[data-testid='group-limit-Web team']")).ToHaveTextAsync("None");
    }

    [Fact]
    public async Task An_organisation_is_added_after_a_bad_country_is_refused_by_its_field_and_shows_Pending()
    {
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync("/organizations");
        await LiveAsync(page);

        // "UK" is not an ISO 3166-1 code: refused beside the country, every other field kept.
        await page.Locator("#org-legal-name").FillAsync("Example Widgets Ltd");
        await page.Locator("#org-country").FillAsync("UK");
        await page.Locator("#org-locality").FillAsync("London");
        await page.Locator("#org-registration").FillAsync("01234567");
        await page.Locator("#add-organization").ClickAsync();
        await Expect(FieldOf(page, "#org-country")).ToContainTextAsync("ISO 3166-1 alpha-2");
        await Expect(page.Locator("#org-legal-name")).ToHaveValueAsync("Example Widgets Ltd");
        await Expect(page.Locator("#org-locality")).ToHaveValueAsync("London");
        await Expect(page.Locator("#org-registration")).ToHaveValueAsync("01234567");
        await ShotAsync(page, "organizations-country-refused");

        await page.Locator("#org-country").FillAsync("GB");
        await page.Locator("#add-organization").ClickAsync();
        await Expect(page.Locator("[data-testid='organization-status-Example Widgets Ltd']")).ToHaveTextAsync("Pending");
        await Expect(page.Locator("[data-testid=organization-detail-registration]")).ToHaveTextAsync("01234567");
        await Expect(page.Locator("#org-legal-name")).ToHaveValueAsync("");
        await ShotAsync(page, "organizations");

        var list = await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{fx.A.AccountId}/organizations");
        var org = list.EnumerateArray().Single(o => o.GetProperty("legalName").GetString() == "Example Widgets Ltd");
        Assert.Equal("GB", org.GetProperty("country").GetString());
        Assert.Equal("London", org.GetProperty("locality").GetString());
        Assert.Equal("pending", org.GetProperty("status").GetString());
    }

    /// <summary>From the top: a full-page shot of a scrolled page draws the fixed app bar over the middle.</summary>
    private async Task ShotAsync(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await fx.ScreenshotAsync(page, name);
    }

    [Fact]
    public async Task A_registration_service_is_refused_field_by_field_then_added_and_changed_and_a_standard_user_gets_none()
    {
        var page = await SignedInAsync(fx.A.AdminEmail);
        await Expect(page.Locator("[data-testid=nav-registration-services]")).ToHaveAttributeAsync("href", "/settings/registration-services");
        await page.GotoAsync("/settings/registration-services");
        await LiveAsync(page);

        // A product without an email address, a fee that is no amount and no documents: each refused beside its field.
        var name = "Qualified signature " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#service-name").FillAsync(name);
        await ChooseProductAsync(page, "TLS server");
        await page.Locator("#service-fee").FillAsync("twelve");
        await page.Locator("#save-service").ClickAsync();
        await Expect(FieldOf(page, "#service-product")).ToContainTextAsync("issues no certificate with an email address");
        await Expect(FieldOf(page, "#service-fee")).ToContainTextAsync("the fee is an amount");
        await Expect(FieldOf(page, "#service-checklist")).ToContainTextAsync("list 1 to 20 distinct documents");
        await Expect(page.Locator("#service-name")).ToHaveValueAsync(name);

        await ChooseProductAsync(page, "S/MIME mailbox");
        await page.Locator("#service-checklist").FillAsync("Signed application\nNotarised ID copy, both sides");
        await page.Locator("#service-fee").FillAsync("25.50");
        await page.Locator("#service-currency").FillAsync("eur");
        await page.Locator("#save-service").ClickAsync();
        await Expect(page.Locator("[data-testid=service-saved]")).ToContainTextAsync($"Service '{name}' added.");
        var row = page.Locator("[data-testid=services-table] tr").Filter(new() { HasText = name });
        await Expect(row.Locator("[data-testid=service-fee]")).ToHaveTextAsync("25.50 EUR");
        await Expect(row.Locator("[data-testid=service-checklist]")).ToHaveTextAsync("Signed application; Notarised ID copy, both sides");
        var listed = (await RegistrationServer.Json(await fx.A.Admin.GetAsync("/api/v1/registration-services"), 200)).EnumerateArray()
            .Single(x => x.GetProperty("name").GetString() == name);
        var id = listed.GetProperty("id").GetString()!;
        Assert.Equal(("prd_smime", 25.50m, "EUR", true), (listed.GetProperty("productId").GetString(), listed.GetProperty("fee").GetDecimal(),
            listed.GetProperty("currency").GetString(), listed.GetProperty("enabled").GetBoolean()));

        // Changed: a bad currency first (refused beside it), then a new fee and no longer offered.
        await page.Locator($"[data-testid=edit-service-{id}]").ClickAsync();
        await Expect(page.Locator("#service-fee")).ToHaveValueAsync("25.50");
        await page.Locator("#service-currency").FillAsync("EURO");
        await page.Locator("#save-service").ClickAsync();
        await Expect(FieldOf(page, "#service-currency")).ToContainTextAsync("3-letter ISO 4217 code");
        await page.Locator("#service-currency").FillAsync("EUR");
        await page.Locator("#service-fee").FillAsync("30");
        await page.Locator("[data-testid=service-enabled-box] input").UncheckAsync();
        await page.Locator("#save-service").ClickAsync();
        await Expect(page.Locator("[data-testid=service-saved]")).ToContainTextAsync($"Service '{name}' changed.");
        await Expect(row.Locator("[data-testid=service-enabled]")).ToHaveTextAsync("no");
        await ShotAsync(page, "registration-services");
        var changed = await RegistrationServer.Json(await fx.A.Admin.GetAsync($"/api/v1/registration-services/{id}"), 200);
        Assert.Equal((30m, false), (changed.GetProperty("fee").GetDecimal(), changed.GetProperty("enabled").GetBoolean()));
        var audit = (await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=registration-service.changed&target=registration-service:{id}")).EnumerateArray().Single();
        Assert.Contains("\"Enabled\":false", audit.GetProperty("detailsJson").GetString(), StringComparison.Ordinal);

        // A Standard User has no link, the page shows the RA's refusal and no form, and the API answers 403.
        var standard = await fx.Server.AddMemberAsync(fx.A.AccountId, "standard-user");
        var theirs = await SignedInAsync(standard.Email);
        await Expect(theirs.Locator("[data-testid=nav-registration-services]")).ToHaveCountAsync(0);
        await theirs.GotoAsync("/settings/registration-services");
        await LiveAsync(theirs);
        await Expect(theirs.Locator("[data-testid=error]")).ToContainTextAsync("lacks");
        await Expect(theirs.Locator("[data-testid=service-form]")).ToHaveCountAsync(0);
        Assert.Equal(403, (int)(await standard.Key.GetAsync("/api/v1/registration-services")).StatusCode);
        Assert.Equal(403, (int)(await standard.Key.PutAsJsonAsync($"/api/v1/registration-services/{id}", new { name = "x" })).StatusCode);
    }

    [Fact]
    public async Task An_identity_proofing_policy_without_identity_verified_is_refused_beside_the_criteria_then_added_changed_and_offered()
    {
        var page = await SignedInAsync(fx.A.AdminEmail);
        await Expect(page.Locator("[data-testid=nav-identity-proofing]")).ToHaveAttributeAsync("href", "/settings/identity-proofing");
        await page.GotoAsync("/settings/identity-proofing");
        await LiveAsync(page);
        // The operator's three policies are listed, read-only.
        await Expect(page.Locator("[data-testid=policy-name]")).ToHaveCountAsync(3);

        var name = "Signing with eKYC " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#policy-name").FillAsync(name);
        await ChooseAsync(page, "#policy-product", "Document signing");
        await ChooseAsync(page, "#policy-verifier", "attested");
        await page.Locator("[data-testid=criterion-identity-verified] input").UncheckAsync();
        await page.Locator("#save-policy").ClickAsync();
        await Expect(page.Locator("[data-testid=criteria-error]")).ToContainTextAsync("'identity-verified' is always required");
        await Expect(page.Locator("#policy-name")).ToHaveValueAsync(name);

        await page.Locator("[data-testid=criterion-identity-verified] input").CheckAsync();
        await page.Locator("[data-testid=criterion-name-matches] input").UncheckAsync();
        await page.Locator("#save-policy").ClickAsync();
        await Expect(page.Locator("[data-testid=policy-saved]")).ToContainTextAsync($"Policy '{name}' added.");
        var row = page.Locator("[data-testid=policies-table] tr").Filter(new() { HasText = name });
        await Expect(row.Locator("[data-testid=policy-criteria]")).ToHaveTextAsync("identity-verified, email-confirmed, strong-authentication");
        var listed = (await RegistrationServer.Json(await fx.A.Admin.GetAsync("/api/v1/identity-proofing/policies"), 200)).EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == name);
        var id = listed.GetProperty("id").GetString()!;
        Assert.Equal(("prd_document_signing", "automatic", "attested"), (listed.GetProperty("productId").GetString(), listed.GetProperty("approval").GetString(), listed.GetProperty("verifier").GetString()));

        // Changed to manual review; the applicants' page offers it.
        await page.Locator($"[data-testid=edit-policy-{id}]").ClickAsync();
        await ChooseAsync(page, "#policy-approval", "Manual: an RA officer reviews every application");
        await page.Locator("#save-policy").ClickAsync();
        await Expect(page.Locator("[data-testid=policy-saved]")).ToContainTextAsync($"Policy '{name}' changed.");
        await ShotAsync(page, "identity-proofing-policies");
        Assert.Equal("manual", (await RegistrationServer.Json(await fx.A.Admin.GetAsync("/api/v1/identity-proofing/policies"), 200)).EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == id).GetProperty("approval").GetString());
        await page.GotoAsync("/identity/apply");
        await LiveAsync(page);
        await page.Locator(".mud-select:has(#policy)").First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = name })).ToHaveCountAsync(1);

        // A Standard User sees the policies (they apply under them) but gets no form, and the API refuses the change.
        var standard = await fx.Server.AddMemberAsync(fx.A.AccountId, "standard-user");
        var theirs = await SignedInAsync(standard.Email);
        await Expect(theirs.Locator("[data-testid=nav-identity-proofing]")).ToHaveCountAsync(0);
        await theirs.GotoAsync("/settings/identity-proofing");
        await LiveAsync(theirs);
        await Expect(theirs.Locator("[data-testid=policy-name]").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        await Expect(theirs.Locator("[data-testid=policy-form]")).ToHaveCountAsync(0);
        Assert.Equal(403, (int)(await standard.Key.PutAsJsonAsync($"/api/v1/identity-proofing/policies/{id}", new { name = "x" })).StatusCode);
    }

    private static async Task ChooseAsync(IPage page, string input, string item)
    {
        await page.Locator($".mud-select:has({input})").First.ClickAsync();
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(item) + "$") });
        await option.WaitForAsync();
        await option.ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }

    private static async Task ChooseProductAsync(IPage page, string product)
    {
        await page.Locator(".mud-select:has(#service-product)").First.ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(product) + "$") });
        await item.WaitForAsync();
        await item.ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }

    /// <summary>The MudBlazor input control around one input: its helper line is where the field's message shows.</summary>
    private static ILocator FieldOf(IPage page, string inputSelector) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.Locator(inputSelector) });

    private async Task<IPage> SignedInAsync(string email) => await PortalPages.SignedInAsync(await fx.NewPageAsync(), email);
}
