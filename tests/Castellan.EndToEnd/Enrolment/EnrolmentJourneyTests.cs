using System.Text;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.Enrolment;

/// <summary>
/// Seed 001 in Chromium: CSV invitations with a malformed line, emails read from the real SMTP sink, the applicant's
/// key and CSR made in the browser, approval in the authorisation panel, and a PKCS#12 built in the browser that
/// openssl opens; an automatic policy with a pasted CSR; used and expired links.
/// </summary>
[Trait("Category", "E2E")]
public sealed class EnrolmentJourneyTests(EnrolmentFixture fx) : IClassFixture<EnrolmentFixture>
{
    private const string P12Password = "browser-built-p12";

    [Fact]
    public async Task CSV_invitation_browser_key_manual_approval_and_a_PKCS12_built_in_the_browser_that_openssl_opens()
    {
        var policy = await fx.PolicyAsync("Staff S/MIME", "manual", ["browser", "csr"]);
        var ann = RegistrationServer.NewEmail("ann");
        var bob = RegistrationServer.NewEmail("bob");

        // 1. The administrator uploads 2 good lines and 1 malformed line; the report names the bad line, the good ones go out.
        var admin = await SignedInAsync();
        await admin.GotoAsync($"/enrolment/invitations?policy={policy}");
        await LiveAsync(admin);
        await Expect(admin.Locator("[data-testid=invitations-ready]")).ToBeAttachedAsync();
        var csv = $"email,given_name,surname,organisation_unit\n{ann},Ann,Lee,Sales\nbob(at)example.com,Bob,Bad,Ops\n{bob},Bob,Ray,Ops\n";
        await admin.Locator("#csv-file").SetInputFilesAsync(new FilePayload { Name = "people.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Expect(admin.GetByText("people.csv")).ToBeVisibleAsync();
        await admin.Locator("#send-invitations").ClickAsync();
        await Expect(admin.Locator("[data-testid=csv-summary]")).ToHaveTextAsync("2 invited, 1 refused");
        await Expect(admin.Locator("[data-testid=csv-line-2] [data-testid=csv-line-result]")).ToHaveTextAsync("Invited");
        await Expect(admin.Locator("[data-testid=csv-line-3] [data-testid=csv-line-result]")).ToContainTextAsync("'bob(at)example.com' is not a valid email address");
        await Expect(admin.Locator("[data-testid=csv-line-4] [data-testid=csv-line-result]")).ToHaveTextAsync("Invited");
        await Expect(admin.Locator("[data-testid=invite-progress]")).ToContainTextAsync("3 of 3 lines processed");
        await Expect(admin.Locator($"[data-testid='invitation-status-{ann}']")).ToHaveTextAsync("Invited");
        await fx.ScreenshotAsync(admin, "enrolment-csv-report");

        var annLink = await fx.LinkAsync(ann, "enrol");
        var bobLink = await fx.LinkAsync(bob, "enrol");
        Assert.NotEqual(annLink, bobLink);
        Assert.DoesNotContain(fx.Server.Mail.Messages(), m => m.To.ToString().Contains("bob(at)", StringComparison.Ordinal));

        // 2. The applicant follows the link in a browser with no session; everything it sends is recorded.
        var applicant = await fx.NewPageAsync();
        var sent = new List<byte[]>();
        applicant.WebSocket += (_, ws) => ws.FrameSent += (_, f) => { lock (sent) sent.Add(f.Binary ?? Encoding.UTF8.GetBytes(f.Text ?? "")); };
        applicant.Request += (_, r) => { if (r.PostDataBuffer is { } body) lock (sent) sent.Add(body); };
        await applicant.GotoAsync(annLink);
        await LiveAsync(applicant);
        await Expect(applicant.Locator("#email")).ToHaveValueAsync(ann);
        await Expect(applicant.Locator("#givenName")).ToHaveValueAsync("Ann");
        // A required field left empty is refused beside it; what was typed elsewhere stays.
        await applicant.Locator("#surname").FillAsync("");
        await applicant.Locator("#organisationUnit").FillAsync("Sales EMEA");
        await applicant.Locator("#submit-enrolment").ClickAsync();
        await Expect(applicant.GetByText("this field is required")).ToBeVisibleAsync();
        await Expect(applicant.Locator("#organisationUnit")).ToHaveValueAsync("Sales EMEA");
        await Expect(applicant.Locator("#givenName")).ToHaveValueAsync("Ann");
        await fx.ScreenshotAsync(applicant, "enrolment-form-error");
        // That failed submission already made a key; the next one makes a fresh one for the same invitation.
        await applicant.Locator("#surname").FillAsync("Lee");
        await fx.ScreenshotAsync(applicant, "enrolment-form");
        await applicant.Locator("#submit-enrolment").ClickAsync();
        await Expect(applicant.Locator("[data-testid=enrol-done]")).ToHaveAttributeAsync("data-status", "submitted");

        // 3. The administrator approves in the authorisation panel.
        await admin.GotoAsync("/enrolment/approvals");
        await LiveAsync(admin);
        await Expect(admin.Locator("[data-testid=approvals-ready]")).ToBeAttachedAsync();
        await Expect(admin.Locator("[data-testid=pending-email]")).ToHaveTextAsync([ann]);
        await fx.ScreenshotAsync(admin, "enrolment-authorisation-panel");
        await admin.Locator($"[data-testid='approve-{ann}']").ClickAsync();
        await Expect(admin.Locator("[data-testid=action-done]")).ToContainTextAsync($"Approved {ann}");
        await Expect(admin.Locator("[data-testid=nothing-pending]")).ToBeVisibleAsync();

        // 4. The collection mail arrives; in the same browser the PKCS#12 is built around the browser-held key.
        var collectLink = await fx.LinkAsync(ann, "collect");
        await applicant.GotoAsync(collectLink);
        await LiveAsync(applicant);
        await Expect(applicant.Locator("#download-p12")).ToBeVisibleAsync();
        await applicant.Locator("#p12-password").FillAsync(P12Password);
        await applicant.Locator("#p12-confirm").FillAsync(P12Password + "x");
        await applicant.Locator("#download-p12").ClickAsync();
        await Expect(applicant.GetByText("The passwords differ")).ToBeVisibleAsync();
        await applicant.Locator("#p12-confirm").FillAsync(P12Password);
        await fx.ScreenshotAsync(applicant, "enrolment-collect");
        var download = await applicant.RunAndWaitForDownloadAsync(() => applicant.Locator("#download-p12").ClickAsync());
        var dir = Castellan.IntegrationTests.Support.TestPaths.NewDirectory("e2e-p12");
        var p12 = Path.Combine(dir, "ann.p12");
        await download.SaveAsAsync(p12);

        // 5. openssl opens it with the test's password: the leaf names the invited address only and chains to the CA,
        //    and the key inside is the certificate's key.
        var leaf = await OpenSslOutAsync(dir, "leaf.pem", "pkcs12", "-in", p12, "-passin", "pass:" + P12Password, "-nokeys", "-clcerts");
        var cas = await OpenSslOutAsync(dir, "cas.pem", "pkcs12", "-in", p12, "-passin", "pass:" + P12Password, "-nokeys", "-cacerts");
        var key = await OpenSslOutAsync(dir, "key.pem", "pkcs12", "-in", p12, "-passin", "pass:" + P12Password, "-nocerts", "-nodes");
        Assert.Equal($"email:{ann}", (await Castellan.IntegrationTests.Support.CertificateChecks.SubjectAltNamesAsync(leaf)).Split('\n', StringSplitOptions.TrimEntries)[1]);
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(root, Castellan.IntegrationTests.Support.Tools.SplitPem(await File.ReadAllTextAsync(cas))[^1]);
        Assert.EndsWith(": OK", (await Castellan.IntegrationTests.Support.CertificateChecks.VerifyAsync(root, cas, leaf)).StdOut.Trim());
        var certKey = (await Castellan.IntegrationTests.Support.Tools.OpenSslAsync("x509", "-noout", "-pubkey", "-in", leaf)).StdOut;
        var p12Key = (await Castellan.IntegrationTests.Support.Tools.OpenSslAsync("pkey", "-pubout", "-in", key)).StdOut;
        Assert.Equal(certKey, p12Key);
        Assert.Equal(1, (await Castellan.IntegrationTests.Support.Tools.OpenSslAsync("pkcs12", "-in", p12, "-passin", "pass:wrong-password", "-nokeys")).ExitCode);

        // 6. The private key never went to the server: neither its PKCS#8 encoding nor its secret scalar appears in any
        //    request body or WebSocket frame the page sent.
        var secret = await applicant.EvaluateAsync<JsonElement>(@"async id => {
            const db = await new Promise(r => { const o = indexedDB.open('castellan-enrolment', 1); o.onsuccess = () => r(o.result); });
            const held = await new Promise(r => { const g = db.transaction('keys').objectStore('keys').get(id); g.onsuccess = () => r(g.result); });
            const jwk = await crypto.subtle.exportKey('jwk', held.privateKey);
            const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', held.privateKey));
            return { d: jwk.d, pkcs8: btoa(String.fromCharCode(...pkcs8)) };
        }", await InvitationIdAsync(ann));
        var d = Base64Url(secret.GetProperty("d").GetString()!);
        var pkcs8 = Convert.FromBase64String(secret.GetProperty("pkcs8").GetString()!);
        Assert.Equal(32, d.Length);
        List<byte[]> frames;
        lock (sent) frames = [.. sent];
        Assert.True(frames.Count > 5, $"the page sent only {frames.Count} frames; the recording did not work");
        Assert.Contains(frames, f => Encoding.UTF8.GetString(f).Contains("BEGIN CERTIFICATE REQUEST", StringComparison.Ordinal));
        foreach (var needle in new[] { d, pkcs8, Encoding.ASCII.GetBytes(secret.GetProperty("d").GetString()!), Encoding.ASCII.GetBytes(secret.GetProperty("pkcs8").GetString()![..40]) })
            Assert.DoesNotContain(frames, f => f.AsSpan().IndexOf(needle) >= 0);

        // 7. The links are spent: the enrolment link shows the clear page.
        await applicant.GotoAsync(annLink);
        await Expect(applicant.Locator("[data-testid=link-unusable]")).ToHaveAttributeAsync("data-state", "used");
        await Expect(applicant.Locator("h1")).ToHaveTextAsync("This link was already used");
    }

    [Fact]
    public async Task Automatic_policy_with_a_pasted_CSR_is_approved_at_once_and_the_PEM_is_collected()
    {
        var policy = await fx.PolicyAsync("Contractors S/MIME", "automatic", ["csr"], ["surname"]);
        var cy = RegistrationServer.NewEmail("cy");
        using (var up = await fx.Admin.PostAsync($"/api/v1/enrolment-policies/{policy}/invitations", new StringContent($"email\n{cy}\n", Encoding.UTF8, "text/csv")))
            await RegistrationServer.Json(up, 200);
        var dir = Castellan.IntegrationTests.Support.TestPaths.NewDirectory("e2e-csr");
        var csr = await File.ReadAllTextAsync(await Castellan.IntegrationTests.Support.Tools.NewCsrAsync(dir, "ec:P-256", "/CN=someone else", "email:boss@example.com"));

        var page = await fx.NewPageAsync();
        await page.GotoAsync(await fx.LinkAsync(cy, "enrol"));
        await LiveAsync(page);
        await page.Locator("#surname").FillAsync("Doe");
        await page.Locator("#csr").FillAsync("-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgcmVxdWVzdA==\n-----END CERTIFICATE REQUEST-----");
        await page.Locator("#submit-enrolment").ClickAsync();
        await Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#surname")).ToHaveValueAsync("Doe");
        await fx.ScreenshotAsync(page, "enrolment-csr-refused");
        await page.Locator("#csr").FillAsync(csr);
        await page.Locator("#submit-enrolment").ClickAsync();
        await Expect(page.Locator("[data-testid=enrol-done]")).ToHaveAttributeAsync("data-status", "approved");

        await page.GotoAsync(await fx.LinkAsync(cy, "collect"));
        await LiveAsync(page);
        await Expect(page.Locator("#download-p12")).ToHaveCountAsync(0);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-pem").ClickAsync());
        var pem = Path.Combine(dir, "collected.pem");
        await download.SaveAsAsync(pem);
        var sans = await Castellan.IntegrationTests.Support.CertificateChecks.SubjectAltNamesAsync(pem);
        Assert.Contains($"email:{cy}", sans);
        Assert.DoesNotContain("boss@example.com", sans);
        var certKey = (await Castellan.IntegrationTests.Support.Tools.OpenSslAsync("x509", "-noout", "-pubkey", "-in", pem)).StdOut;
        Assert.Equal((await Castellan.IntegrationTests.Support.Tools.OpenSslAsync("pkey", "-pubout", "-in", Path.Combine(dir, "key.pem"))).StdOut, certKey);
    }

    [Fact]
    public async Task An_expired_link_and_an_unknown_link_each_show_their_clear_page()
    {
        var policy = await fx.PolicyAsync("Expiring", "manual", ["csr"]);
        var dee = RegistrationServer.NewEmail("dee");
        using (var up = await fx.Admin.PostAsync($"/api/v1/enrolment-policies/{policy}/invitations", new StringContent($"email\n{dee}\n", Encoding.UTF8, "text/csv")))
            await RegistrationServer.Json(up, 200);
        var link = await fx.LinkAsync(dee, "enrol");
        await fx.ExpireEnrolLinkAsync(dee);

        var page = await fx.NewPageAsync();
        await page.GotoAsync(link);
        await Expect(page.Locator("[data-testid=link-unusable]")).ToHaveAttributeAsync("data-state", "expired");
        await Expect(page.Locator("h1")).ToHaveTextAsync("This link has expired");
        await Expect(page.Locator("#submit-enrolment")).ToHaveCountAsync(0);
        await fx.ScreenshotAsync(page, "enrolment-link-expired");

        await page.GotoAsync("/collect/col_" + new string('Q', 43));
        await Expect(page.Locator("[data-testid=link-unusable]")).ToHaveAttributeAsync("data-state", "unknown");
    }

    [Fact]
    public async Task An_administrator_creates_a_policy_in_the_portal_and_a_missing_name_is_refused_by_its_field()
    {
        var page = await SignedInAsync();
        await page.GotoAsync("/enrolment/policies");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=policies-ready]")).ToBeAttachedAsync();
        await page.Locator("[data-testid=policy-product]").ClickAsync();
        await page.GetByText("S/MIME mailbox (smime-mailbox)").ClickAsync();
        // The list closes with an animation whose overlay would take the next click (seen once on a loaded machine).
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await page.Locator("#policy-hours").FillAsync("48");
        await page.Locator("#create-policy").ClickAsync();
        await Expect(page.GetByText("Give the policy a name")).ToBeVisibleAsync();
        await Expect(page.Locator("#policy-hours")).ToHaveValueAsync("48");

        var name = "Portal policy " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#policy-name").FillAsync(name);
        await page.Locator("#create-policy").ClickAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToHaveTextAsync($"Policy '{name}' created.");
        await Expect(page.Locator("[data-testid=policy-name]").Filter(new LocatorFilterOptions { HasText = name })).ToHaveCountAsync(1);
        await fx.ScreenshotAsync(page, "enrolment-policies");

        // The REST API reports the policy the browser created, with the form's choices.
        using var response = await fx.Admin.GetAsync("/api/v1/enrolment-policies");
        var created = (await RegistrationServer.Json(response, 200)).EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
        Assert.Equal("prd_smime", created.GetProperty("productId").GetString());
        Assert.Equal(48, created.GetProperty("linkLifetimeHours").GetDouble());
        Assert.Equal(["browser", "csr"], created.GetProperty("keySources").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("manual", created.GetProperty("approval").GetString());
    }

    private async Task<IPage> SignedInAsync()
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/signin");
        await LiveAsync(page);
        await page.Locator("#email").FillAsync(fx.AdminEmail);
        await page.Locator("#password").FillAsync(RegistrationServer.Password);
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("[data-testid=dashboard-ready]")).ToBeAttachedAsync();
        return page;
    }

    private async Task<string> InvitationIdAsync(string email)
    {
        using var response = await fx.Admin.GetAsync("/api/v1/invitations?pageSize=500");
        var page = await RegistrationServer.Json(response, 200);
        return page.GetProperty("items").EnumerateArray().First(i => i.GetProperty("email").GetString() == email).GetProperty("id").GetString()!;
    }

    private static async Task<string> OpenSslOutAsync(string dir, string name, params string[] args)
    {
        var r = await Castellan.IntegrationTests.Support.Tools.OpenSslAsync(args);
        Assert.True(r.ExitCode == 0, r.All);
        var file = Path.Combine(dir, name);
        await File.WriteAllTextAsync(file, r.StdOut);
        return file;
    }

    private static byte[] Base64Url(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4));
}
