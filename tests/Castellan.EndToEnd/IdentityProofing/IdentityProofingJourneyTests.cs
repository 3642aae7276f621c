using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.IdentityProofing;

/// <summary>
/// Seed 000 in Chromium (docs/flows/identity-proofed-issuance.md): manual review (the applicant applies with a
/// browser-made key, uploads a document and a selfie, an RA officer sees them with the criteria and approves, the
/// applicant downloads a PKCS#12 built in the browser that openssl opens); automatic approval (TOTP sign-in, an eKYC
/// result arrives, the certificate issues with no officer); and wrong uploads refused by their field.
/// </summary>
[Trait("Category", "E2E")]
public sealed class IdentityProofingJourneyTests(IdentityProofingFixture fx) : IClassFixture<IdentityProofingFixture>
{
    private const string P12Password = "identity-p12-pass";
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task Manual_review_applicant_uploads_officer_approves_in_the_browser_and_the_PKCS12_opens_with_openssl()
    {
        var (account, officerEmail, applicant) = await fx.TenantAsync();

        // 1. The applicant applies under the manual policy; the key is made in this browser.
        var page = await SignInAsync(applicant.Email);
        var id = await ApplyAsync(page, "Document signing, reviewed by an RA officer", "Ann Lee");
        await Expect(page.Locator("[data-testid=application-status]")).ToHaveAttributeAsync("data-status", "awaiting-evidence");

        // 2. Identity document and selfie.
        await ChooseFirstFileAsync(page, "identity-document", new FilePayload { Name = "passport.pdf", MimeType = "application/pdf", Buffer = Pdf });
        await page.Locator("#selfie").SetInputFilesAsync(new FilePayload { Name = "selfie.png", MimeType = "image/png", Buffer = Png });
        await Expect(page.Locator("[data-testid=selfie-chosen]")).ToContainTextAsync("selfie.png");
        await page.Locator("#submit-evidence").ClickAsync();
        await Expect(page.Locator("[data-testid=application-status]")).ToHaveAttributeAsync("data-status", "awaiting-review");
        await Expect(page.Locator("[data-testid=criterion-identity-verified]")).ToHaveAttributeAsync("data-passed", "false");

        // 3. The RA officer sees the evidence and the criteria checklist, and approves.
        var officer = await SignInAsync(officerEmail);
        await officer.GotoAsync("/identity/review");
        await LiveAsync(officer);
        var card = officer.Locator($"[data-testid=review-{id}]");
        await Expect(card.Locator("[data-testid=review-name]")).ToHaveTextAsync("Ann Lee");
        await Expect(card.Locator("[data-testid=document-selfie] img")).ToHaveAttributeAsync("src", new Regex("^data:image/png;base64,iVBOR"));
        await Expect(card.Locator("[data-testid=document-identity-document] object")).ToHaveAttributeAsync("type", "application/pdf");
        await Expect(card.Locator("[data-testid=criterion-strong-authentication]")).ToHaveAttributeAsync("data-passed", "false");
        await Expect(card.Locator("[data-testid=criterion-email-confirmed]")).ToHaveAttributeAsync("data-passed", "true");
        await Expect(card.Locator("[data-testid=criterion-name-matches]")).ToHaveAttributeAsync("data-passed", "false"); // nothing verified yet
        await fx.ScreenshotAsync(officer, "identity-review");
        // A rejection needs a reason: refused by its field, and the name typed beside it stays.
        await officer.Locator($"#verified-name-{id}").FillAsync("Ann Lee");
        await officer.Locator($"[data-testid=reject-{id}]").ClickAsync();
        await Expect(card.GetByText("give the reason the applicant will read")).ToBeVisibleAsync();
        await Expect(officer.Locator($"#verified-name-{id}")).ToHaveValueAsync("Ann Lee");
        await officer.Locator($"[data-testid=approve-{id}]").ClickAsync();
        await Expect(officer.Locator("[data-testid=action-done]")).ToContainTextAsync("Approved Ann Lee");
        await Expect(officer.Locator("[data-testid=nothing-pending]")).ToBeVisibleAsync();

        // 4. The applicant finds the certificate issued and builds the PKCS#12 around the browser-held key.
        await page.ReloadAsync();
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=application-status]")).ToHaveAttributeAsync("data-status", "issued");
        await page.Locator("#p12-password").FillAsync(P12Password);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-p12").ClickAsync());
        var dir = TestPaths.NewDirectory("e2e-idp-p12");
        var p12 = Path.Combine(dir, "ann.p12");
        await download.SaveAsAsync(p12);

        var leaf = await OpenSslOutAsync(dir, "leaf.pem", "pkcs12", "-in", p12, "-passin", "pass:" + P12Password, "-nokeys", "-clcerts");
        var cas = await OpenSslOutAsync(dir, "cas.pem", "pkcs12", "-in", p12, "-passin", "pass:" + P12Password, "-nokeys", "-cacerts");
        var key = await OpenSslOutAsync(dir, "key.pem", "pkcs12", "-in", p12, "-passin", "pass:" + P12Password, "-nocerts", "-nodes");
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(root, Tools.SplitPem(await File.ReadAllTextAsync(cas))[^1]);
        Assert.EndsWith(": OK", (await CertificateChecks.VerifyAsync(root, cas, leaf)).StdOut.Trim());
        Assert.Contains("CN=Ann Lee", (await Tools.OpenSslAsync("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", leaf)).StdOut);
        Assert.Equal($"email:{applicant.Email}", (await CertificateChecks.SubjectAltNamesAsync(leaf)).Split('\n', StringSplitOptions.TrimEntries)[1]);
        Assert.Equal((await Tools.OpenSslAsync("x509", "-noout", "-pubkey", "-in", leaf)).StdOut, (await Tools.OpenSslAsync("pkey", "-pubout", "-in", key)).StdOut);

        // 5. The record: both documents stored with their hashes, the officer's views and decision audited.
        await using var db = await fx.Server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        Assert.Equal(["identity-document", "selfie"], await db.Set<IdentityDocumentRow>().Where(d => d.ApplicationId == id).OrderBy(d => d.Kind).Select(d => d.Kind).ToListAsync());
        var actions = await db.Set<AuditRow>().Where(a => a.Target == $"identity-application:{id}").Select(a => a.Action).ToListAsync();
        Assert.Equal(2, actions.Count(a => a == "identity.document-viewed"));
        Assert.Contains("identity.approved", actions);
        Assert.Equal(account, (await db.Set<IdentityApplicationRow>().SingleAsync(a => a.Id == id)).AccountId);
    }

    [Fact]
    public async Task Automatic_approval_after_a_TOTP_sign_in_and_a_verified_eKYC_result_issues_without_an_officer()
    {
        var (account, _, applicant) = await fx.TenantAsync();
        await fx.RequireTotpAsync(account);

        // 1. Password, then TOTP enrolment: the session is a strong one.
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/signin");
        await LiveAsync(page);
        await page.Locator("#email").FillAsync(applicant.Email);
        await page.Locator("#password").FillAsync(RegistrationServer.Password);
        await page.Locator("#sign-in").ClickAsync();
        var secret = (await page.Locator("[data-testid=totp-secret]").TextContentAsync())!.Trim();
        await page.Locator("#enrol-code").FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await page.Locator("#confirm-enrolment").ClickAsync();
        await page.Locator("#continue").ClickAsync();
        await Expect(page.Locator("[data-testid=dashboard-ready]")).ToBeAttachedAsync();

        // 2. The applicant applies under the automatic policy, then the eKYC service delivers its result.
        var id = await ApplyAsync(page, "Document signing, approved automatically after eKYC", "Bea Kim");
        await Expect(page.Locator("[data-testid=instructions]")).ToContainTextAsync("eKYC provider");
        using (var result = await fx.Server.Client.PostAsJsonAsync($"/api/v1/identity-proofing/applications/{id}/evidence", new Dictionary<string, string>
        {
            ["result"] = "verified", ["verifiedName"] = "Bea Kim", ["provider"] = "eKYC Co", ["reference"] = "chk-" + id,
        }))
        {
            var body = await RegistrationServer.Json(result, 200);
            Assert.Equal("issued", body.GetProperty("status").GetString());
            Assert.Equal("policy:idp_automatic", body.GetProperty("decidedBy").GetString());
        }

        // 3. Every criterion passed; the applicant downloads the certificate.
        await page.Locator("#refresh").ClickAsync();
        await Expect(page.Locator("[data-testid=application-status]")).ToHaveAttributeAsync("data-status", "issued");
        foreach (var code in new[] { "identity-verified", "email-confirmed", "strong-authentication", "name-matches" })
            await Expect(page.Locator($"[data-testid=criterion-{code}]")).ToHaveAttributeAsync("data-passed", "true");
        await fx.ScreenshotAsync(page, "identity-issued-automatically");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-pem").ClickAsync());
        var dir = TestPaths.NewDirectory("e2e-idp-auto");
        var pem = Path.Combine(dir, "bea.pem");
        await download.SaveAsAsync(pem);
        var parts = Tools.SplitPem(await File.ReadAllTextAsync(pem));
        var leaf = Path.Combine(dir, "leaf.pem");
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(leaf, parts[0]);
        await File.WriteAllTextAsync(root, parts[^1]);
        Assert.EndsWith(": OK", (await CertificateChecks.VerifyAsync(root, pem, leaf)).StdOut.Trim());
        Assert.Contains("CN=Bea Kim", (await Tools.OpenSslAsync("x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", leaf)).StdOut);

        await using var db = await fx.Server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        var actions = await db.Set<AuditRow>().Where(a => a.Target == $"identity-application:{id}").Select(a => a.Action).ToListAsync();
        Assert.Contains("identity.issued", actions);
        Assert.DoesNotContain("identity.approved", actions); // no officer
    }

    [Fact]
    public async Task A_wrong_type_and_an_oversize_upload_are_refused_by_their_field_and_the_other_file_stays_chosen()
    {
        var (_, _, applicant) = await fx.TenantAsync();
        var page = await SignInAsync(applicant.Email);
        var id = await ApplyAsync(page, "Document signing, reviewed by an RA officer", "Cy Doe");

        await ChooseFirstFileAsync(page, "selfie", new FilePayload { Name = "selfie.png", MimeType = "image/png", Buffer = Png });
        await page.Locator("#identity-document").SetInputFilesAsync(new FilePayload { Name = "passport.txt", MimeType = "text/plain", Buffer = "not a document"u8.ToArray() });
        await Expect(page.Locator("[data-testid=identity-document-error]")).ToHaveTextAsync("The file is not a PDF, PNG or JPEG.");
        await Expect(page.Locator("[data-testid=selfie-chosen]")).ToContainTextAsync("selfie.png");
        await fx.ScreenshotAsync(page, "identity-upload-wrong-type");

        var big = new byte[6 * 1024 * 1024];
        Png.CopyTo(big, 0);
        await page.Locator("#identity-document").SetInputFilesAsync(new FilePayload { Name = "huge.png", MimeType = "image/png", Buffer = big });
        await Expect(page.Locator("[data-testid=identity-document-error]")).ToContainTextAsync("larger than 5 MiB");
        await Expect(page.Locator("[data-testid=selfie-chosen]")).ToContainTextAsync("selfie.png");

        // Sending without an identity document is refused by that field; nothing moves and nothing is stored.
        await page.Locator("#submit-evidence").ClickAsync();
        await Expect(page.Locator("[data-testid=identity-document-error]")).ToHaveTextAsync("add your identity document");
        await Expect(page.Locator("[data-testid=application-status]")).ToHaveAttributeAsync("data-status", "awaiting-evidence");
        await using var db = await fx.Server.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Set<IdentityDocumentRow>().CountAsync(d => d.ApplicationId == id));
    }

    private async Task<IPage> SignInAsync(string email)
    {
        var page = await fx.NewPageAsync();
        await page.GotoAsync("/signin");
        await LiveAsync(page);
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(RegistrationServer.Password);
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("[data-testid=dashboard-ready]")).ToBeAttachedAsync();
        return page;
    }

    /// <summary>Fills the application form (the name by its field, the key made in the browser) and returns the new application's id.</summary>
    private static async Task<string> ApplyAsync(IPage page, string policy, string name)
    {
        await page.GotoAsync("/identity/apply");
        await LiveAsync(page);
        await page.Locator("[data-testid=policy]").ClickAsync();
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = policy }).ClickAsync();
        // An empty name is refused by its field; nothing is applied for.
        await page.Locator("#name").FillAsync("");
        await page.Locator("#submit-application").ClickAsync();
        await Expect(page.GetByText("give your full name as on your identity document")).ToBeVisibleAsync();
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#submit-application").ClickAsync();
        await page.WaitForURLAsync(new Regex("/identity/applications/ida_"));
        await LiveAsync(page);
        return page.Url[(page.Url.LastIndexOf('/') + 1)..];
    }

    /// <summary>
    /// Blazor's InputFile attaches its change listener once the upload form has rendered over the circuit, which can be
    /// a moment after the page shows it: a file set in that moment is never seen (CI, 2026-11-23: neither file of a
    /// fresh form showed as chosen). So the first file of a fresh form is set again until the page says it was chosen.
    /// </summary>
    private static async Task ChooseFirstFileAsync(IPage page, string kind, FilePayload file)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator($"#{kind}").SetInputFilesAsync(file);
            try
            {
                await Expect(page.Locator($"[data-testid={kind}-chosen]")).ToContainTextAsync(file.Name, new() { Timeout = 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<string> OpenSslOutAsync(string dir, string name, params string[] args)
    {
        var r = await Tools.OpenSslAsync(args);
        Assert.True(r.ExitCode == 0, r.All);
        var file = Path.Combine(dir, name);
        await File.WriteAllTextAsync(file, r.StdOut);
        return file;
    }
}
