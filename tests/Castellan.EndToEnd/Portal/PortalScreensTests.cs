using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// The New Request wizard, certificates, CAs, audit and users screens in Chromium, against a real server; what the
/// browser did is checked over the REST API and, for certificates, with openssl.
/// </summary>
[Trait("Category", "E2E")]
public sealed class PortalScreensTests(PortalFixture fx) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task The_wizard_parses_a_pasted_CSR_live_keeps_every_field_when_it_is_broken_and_places_an_order_the_administrator_approves()
    {
        var basic = await fx.Server.AddMemberAsync(fx.A.AccountId, "basic-user");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(TestPaths.NewDirectory("wizard"), "ec:P-256", "/CN=wizard.example.com", "DNS:wizard.example.com,DNS:www.wizard.example.com"));
        var page = await SignedInAsync(basic.Email);
        await page.GotoAsync("/requests/new");
        await LiveAsync(page);

        // 1. Product and validity: the price follows the choice (multi-domain: 3 names included, 120.00 USD a year).
        await page.Locator("[data-testid=product-prd_tls_multi]").ClickAsync();
        await Expect(page.Locator("#validity")).ToHaveValueAsync("199");
        await Expect(page.Locator("[data-testid=price]")).ToHaveTextAsync("120.00 USD");
        await page.Locator("#next").ClickAsync();

        // 2. Requester: a bad address is refused by its field.
        await page.Locator("#requester-email").FillAsync("not-an-address");
        await page.Locator("#next").ClickAsync();
        await Expect(page.GetByText("'email' is not a valid address")).ToBeVisibleAsync();
        await page.Locator("#requester-email").FillAsync("requester@example.com");
        await page.Locator("#requester-mobile").FillAsync("+1 555 0100");
        await page.Locator("#next").ClickAsync();
        await Expect(page.Locator("[data-testid=wizard-step-2]")).ToBeAttachedAsync();

        // 3. A broken CSR (one base64 character changed) shows the CA reader's problem by the field, live.
        var broken = Break(csr);
        await page.Locator("#csr").FillAsync(broken);
        await Expect(page.Locator("[data-testid=csr-problems]")).ToContainTextAsync("CSR");
        await Expect(page.Locator(".mud-input-helper-text").Filter(new() { HasText = "CSR" })).ToBeVisibleAsync();
        await page.Locator("#next").ClickAsync();
        await Expect(page.Locator("[data-testid=wizard-step-2]")).ToBeAttachedAsync();
        await fx.ScreenshotAsync(page, "wizard-csr-problem");
        // Nothing typed is lost: back to the requester, then forward to the CSR as it was.
        await page.Locator("#back").ClickAsync();
        await Expect(page.Locator("#requester-email")).ToHaveValueAsync("requester@example.com");
        await Expect(page.Locator("#requester-mobile")).ToHaveValueAsync("+1 555 0100");
        await page.Locator("#next").ClickAsync();
        await Expect(page.Locator("#csr")).ToHaveValueAsync(broken);

        // The good CSR: subject, both names and the key appear as it is pasted.
        await page.Locator("#csr").FillAsync(csr);
        await Expect(page.Locator("[data-testid=csr-sans]")).ToHaveTextAsync("dns:wizard.example.com, dns:www.wizard.example.com");
        await Expect(page.Locator("[data-testid=csr-key]")).ToHaveTextAsync("EC P-256 (256 bits)");
        await Expect(page.Locator("[data-testid=csr-ok]")).ToBeVisibleAsync();
        await fx.ScreenshotAsync(page, "wizard-csr-parsed");
        await page.Locator("#next").ClickAsync();

        // 4. Names come from the CSR; a fourth name costs 20.00 USD more.
        await Expect(page.Locator("#names")).ToHaveValueAsync("wizard.example.com\nwww.wizard.example.com");
        await page.Locator("#names").FillAsync("wizard.example.com\nwww.wizard.example.com\napi.wizard.example.com\ncdn.wizard.example.com");
        await page.Locator("#next").ClickAsync();
        await Expect(page.Locator("[data-testid=price]")).ToHaveTextAsync("140.00 USD");
        // The CSR does not name api. and cdn.; the profile takes the order's names, so the wizard goes on.
        await page.Locator("#tags").FillAsync("web, team-a");
        await page.Locator("#remarks").FillAsync("placed from the wizard");
        await page.Locator("#next").ClickAsync();
        await Expect(page.Locator("[data-testid=summary-price]")).ToHaveTextAsync("140.00 USD");
        await fx.ScreenshotAsync(page, "wizard-summary");
        await page.Locator("#place").ClickAsync();

        // A Basic User's order waits for the administrator.
        await Expect(page.Locator("[data-testid=order-ready-pending-approval]")).ToBeAttachedAsync();
        var orderId = Regex.Match(page.Url, "/orders/(ord_[A-Za-z0-9_-]+)").Groups[1].Value;
        var order = await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/orders/{orderId}");
        Assert.Equal("pending-approval", order.GetProperty("status").GetString());
        Assert.Equal(14_000, order.GetProperty("priceMinor").GetInt64());
        Assert.Contains("requester@example.com", order.GetProperty("additionalRecipients").EnumerateArray().Select(e => e.GetString()));
        // The requester's name and mobile are stored with the order (issue 5 item 4), not only their address.
        Assert.Equal(("basic-user", "+1 555 0100"), (order.GetProperty("requesterName").GetString(), order.GetProperty("requesterMobile").GetString()));

        var admin = await SignedInAsync(fx.A.AdminEmail);
        await admin.GotoAsync($"/orders/{orderId}");
        await LiveAsync(admin);
        await admin.Locator("#approve").ClickAsync();
        await Expect(admin.Locator("[data-testid=order-ready-fulfilled]")).ToBeAttachedAsync();
        Assert.Equal("fulfilled", await fx.StatusOverApiAsync(orderId));
        await admin.Locator("[data-testid=certificate-link]").ClickAsync();
        await Expect(admin.Locator("[data-testid=certificate-sans]")).ToContainTextAsync("dns:cdn.wizard.example.com");
    }

    [Fact]
    public async Task A_draft_saved_from_the_wizard_is_On_Hold_uncharged_and_is_placed_from_the_order_view()
    {
        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync("/requests/new");
        await LiveAsync(page);
        await page.Locator("[data-testid=product-prd_tls_server]").ClickAsync();
        await page.Locator("#next").ClickAsync();
        await page.Locator("#requester-email").FillAsync("draft@example.com");
        await page.Locator("#next").ClickAsync();
        // No CSR: it can be submitted later.
        await page.Locator("#next").ClickAsync();
        await page.Locator("#names").FillAsync("draft.a.example.com");
        await page.Locator("#next").ClickAsync();
        await page.Locator("#next").ClickAsync();
        await page.Locator("#save-draft").ClickAsync();

        await Expect(page.Locator("[data-testid=order-ready-on-hold]")).ToBeAttachedAsync();
        var orderId = Regex.Match(page.Url, "/orders/(ord_[A-Za-z0-9_-]+)").Groups[1].Value;
        var draft = await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/orders/{orderId}");
        Assert.Equal("on-hold", draft.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, draft.GetProperty("debitJournalId").ValueKind);

        await page.Locator("#place-draft").ClickAsync();
        // An administrator's order needs no approval; without a CSR it waits, accepted and paid.
        await Expect(page.Locator("[data-testid=order-ready-accepted]")).ToBeAttachedAsync();
        var placed = await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/orders/{orderId}");
        Assert.Equal("accepted", placed.GetProperty("status").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, placed.GetProperty("debitJournalId").ValueKind);
    }

    [Fact]
    public async Task The_certificates_list_finds_the_issued_certificate_its_PEM_download_verifies_with_openssl_and_it_can_be_revoked()
    {
        var page = await SignedInAsync(fx.B.AdminEmail);
        await page.GotoAsync("/certificates?q=issued.b.example.com");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=certificate-names]")).ToHaveTextAsync(["dns:issued.b.example.com"]);
        await fx.ScreenshotAsync(page, "certificates");
        // Tenant B sees only its own: tenant A's names are not in its list.
        await page.GotoAsync("/certificates?q=approve.example.com");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=no-certificates]")).ToBeVisibleAsync();

        await page.GotoAsync("/certificates?q=issued.b.example.com");
        await LiveAsync(page);
        await page.Locator("[data-testid=certificate-link]").ClickAsync();
        await Expect(page.Locator("[data-testid=certificate-ready-valid]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=certificate-chain]")).ToContainTextAsync("Root");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-pem").ClickAsync());
        var dir = TestPaths.NewDirectory("portal-download");
        var pem = Path.Combine(dir, download.SuggestedFilename);
        await download.SaveAsAsync(pem);
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(root, await fx.Server.Client.GetStringAsync("/api/v1/cas/root/chain"));
        var verified = await Tools.OpenSslAsync("verify", "-CAfile", root, "-untrusted", pem, pem);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("OK", verified.StdOut);
        var serial = (await page.Locator("[data-testid=certificate-serial]").TextContentAsync())!.Trim();
        await fx.ScreenshotAsync(page, "certificate");

        // Revocation needs the confirmation, then goes through the CA: the REST API reports it revoked.
        await page.Locator("#revoke").ClickAsync();
        await Expect(page.GetByText("Tick the box to confirm")).ToBeVisibleAsync();
        await page.GetByLabel("I understand a revocation cannot be undone").CheckAsync();
        await page.Locator("#revoke").ClickAsync();
        await Expect(page.Locator("[data-testid=certificate-ready-revoked]")).ToBeAttachedAsync();
        var state = await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/certificates/{serial}");
        Assert.Equal("Revoked", state.GetProperty("status").GetString(), ignoreCase: true);
    }

    [Fact]
    public async Task The_CA_screen_shows_the_two_built_in_CAs_and_an_operator_administrator_creates_an_intermediate()
    {
        var op = await fx.Server.AddMemberAsync("operator", "operator-admin");
        var page = await SignedInAsync(op.Email);
        await page.GotoAsync("/cas");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=ca-root] [data-testid=ca-key-algorithm]")).ToContainTextAsync("ec-p384");
        await Expect(page.Locator("[data-testid=ca-issuing-1] [data-testid=ca-key-algorithm]")).ToContainTextAsync("ec-p256");
        await Expect(page.Locator("[data-testid=ca-issuing-1] [data-testid=ca-ocsp]")).ToContainTextAsync("certificate expires");
        await Expect(page.Locator("[data-testid=ca-status]")).ToHaveTextAsync(["Active", "Active"]);

        // A refusal of the CA (a bad id) shows by the field and keeps the subject.
        // The parent defaults to the root, the only CA that may sign another CA.
        await page.Locator("#ca-id").FillAsync("Bad Id!");
        await page.Locator("#ca-subject").FillAsync("CN=Team CA,O=Example");
        await page.Locator("#ca-create").ClickAsync();
        await Expect(page.GetByText("a CA id is 1 to 40 lower-case letters")).ToBeVisibleAsync();
        await Expect(page.Locator("#ca-subject")).ToHaveValueAsync("CN=Team CA,O=Example");
        await page.Locator("#ca-id").FillAsync("team-ca");
        await page.Locator("#ca-create").ClickAsync();
        await Expect(page.Locator("[data-testid=ca-created]")).ToContainTextAsync("'team-ca' created under 'root'");
        await Expect(page.Locator("[data-testid=ca-team-ca]")).ToContainTextAsync("Team CA");
        await fx.ScreenshotAsync(page, "cas");
        var chain = await fx.Server.Client.GetStringAsync("/api/v1/cas/team-ca/chain");
        Assert.Equal(2, Tools.SplitPem(chain).Count);

        // A tenant administrator has no CA screen.
        var tenant = await SignedInAsync(fx.B.AdminEmail);
        await Expect(tenant.Locator("[data-testid=nav-cas]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_audit_search_finds_the_approval_for_its_tenant_only()
    {
        var id = fx.PendingInA[0];
        using (var approved = await fx.A.Admin.PostAsync($"/api/v1/orders/{id}/approve", null)) await RegistrationServer.Json(approved, 200);

        var page = await SignedInAsync(fx.A.AdminEmail);
        await page.GotoAsync("/audit");
        await LiveAsync(page);
        await page.Locator("#audit-action").FillAsync("order.approved");
        await page.Locator("#audit-search").ClickAsync();
        await Expect(page.Locator("[data-testid=audit-target-cell]", new() { HasTextString = $"order:{id}" })).ToHaveCountAsync(1);
        // Newest first, and only the action searched for.
        var actions = await page.Locator("[data-testid=audit-action-cell]").AllTextContentsAsync();
        Assert.All(actions, a => Assert.Equal("order.approved", a.Trim()));
        await fx.ScreenshotAsync(page, "audit");

        // Tenant B's administrator searches the same action and sees none of A's entries.
        var other = await SignedInAsync(fx.B.AdminEmail);
        await other.GotoAsync("/audit");
        await LiveAsync(other);
        await other.Locator("#audit-action").FillAsync("order.approved");
        await other.Locator("#audit-search").ClickAsync();
        await Expect(other.Locator("[data-testid=audit-loaded-2]")).ToBeAttachedAsync();
        await Expect(other.Locator($"[data-testid=audit-target-cell]:has-text('{id}')")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_administrator_invites_a_user_by_email_and_deactivates_them()
    {
        var email = RegistrationServer.NewEmail("invitee");
        var page = await SignedInAsync(fx.B.AdminEmail);
        await page.GotoAsync("/users");
        await LiveAsync(page);
        await page.Locator("#invite-email").FillAsync("nobody@");
        await page.Locator("#invite").ClickAsync();
        await Expect(page.GetByText("'email' is not a valid address")).ToBeVisibleAsync();
        await page.Locator("#invite-email").FillAsync(email);
        await page.Locator("#invite").ClickAsync();
        await Expect(page.Locator($"[data-testid='user-status-{email}']")).ToHaveTextAsync("Invited");
        Assert.Contains("/activate?token=", (await fx.Server.LastMessageAsync(email)).Body);
        await fx.ScreenshotAsync(page, "users");

        await page.Locator($"[data-testid='deactivate-{email}']").ClickAsync();
        await Expect(page.Locator($"[data-testid='user-status-{email}']")).ToHaveTextAsync("Deactivated");
    }

    /// <summary>A CSR with one base64 character of its signature changed: still PEM, no longer verifiable.</summary>
    private static string Break(string pem)
    {
        var lines = pem.Split('\n');
        var i = lines.Length / 2; // a full base64 line inside the request: any change breaks the signature
        var chars = lines[i].ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        lines[i] = new string(chars);
        return string.Join('\n', lines);
    }

    private async Task<IPage> SignedInAsync(string email) => await PortalPages.SignedInAsync(await fx.NewPageAsync(), email);
}
