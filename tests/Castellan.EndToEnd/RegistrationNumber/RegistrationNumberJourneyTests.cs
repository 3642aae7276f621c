using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Castellan.EndToEnd.Enrolment;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;
using Microsoft.Playwright;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.RegistrationNumber;

/// <summary>
/// Seed 002 in Chromium (docs/flows/registration-number-enrolment.md): public registration, the number and initial
/// code read from the real SMTP sink, the forced code change, the prefilled PDF read back with PdfPig, the signed copy
/// uploaded, the RA officer's desk accepting against the checklist, the key and CSR made in the browser, payment and
/// verification at the desk, and the certificate downloaded from the personal profile and verified by openssl.
/// </summary>
[Trait("Category", "E2E")]
public sealed class RegistrationNumberJourneyTests(EnrolmentFixture fx) : IClassFixture<EnrolmentFixture>
{
    private const string NewCode = "browser-chosen-code-2026";
    private static readonly string[] Checklist = ["Signed application", "Signed contract"];

    [Fact]
    public async Task Register_sign_in_change_code_hand_in_documents_generate_the_key_in_the_browser_and_download_a_certificate_openssl_verifies()
    {
        var service = await ServiceAsync("Qualified e-signature " + Guid.NewGuid().ToString("N")[..6]);
        var email = RegistrationServer.NewEmail("petar");
        var dir = TestPaths.NewDirectory("e2e-rn");

        // 1. Public registration; the number shows on the page and arrives with the initial code in the mailbox.
        var applicant = await fx.NewPageAsync();
        await applicant.GotoAsync("/register");
        await LiveAsync(applicant);
        await applicant.Locator("[data-testid=service]").ClickAsync();
        await applicant.GetByText(service.Name, new PageGetByTextOptions { Exact = true }).ClickAsync();
        // The list closes when the server has taken the choice; its re-render, arriving after a name typed in the
        // meantime, emptied the name field once on a loaded machine.
        await Expect(applicant.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await applicant.Locator("#fullName").FillAsync("Petar Georgiev");
        await applicant.Locator("#email").FillAsync("petar(at)example.com");
        await applicant.Locator("#register").ClickAsync();
        await Expect(applicant.GetByText("give a valid email address")).ToBeVisibleAsync();
        await Expect(applicant.Locator("#fullName")).ToHaveValueAsync("Petar Georgiev");
        await applicant.Locator("#email").FillAsync(email);
        await applicant.Locator("#register").ClickAsync();
        var number = (await applicant.Locator("[data-testid=registration-number]").TextContentAsync())!.Trim();
        var (mailedNumber, code) = await MailedCredentialsAsync(email);
        Assert.Equal(number, mailedNumber);

        // 2. Sign in; the initial code must be changed first.
        await SignInAsync(applicant, number, code);
        await Expect(applicant.Locator("[data-testid=change-code]")).ToBeVisibleAsync();
        await applicant.Locator("#currentCode").FillAsync(code);
        await applicant.Locator("#newCode").FillAsync(code);
        await applicant.Locator("#confirmCode").FillAsync(code);
        await applicant.Locator("#change-code").ClickAsync();
        await Expect(Field(applicant, "#newCode")).ToContainTextAsync("this is your current one");
        await applicant.Locator("#newCode").FillAsync(NewCode);
        await applicant.Locator("#confirmCode").FillAsync(NewCode);
        await applicant.Locator("#change-code").ClickAsync();
        await Expect(Profile(applicant)).ToHaveAttributeAsync("data-status", "AccessCodeChanged");
        await Expect(applicant.Locator("[data-testid=stage-Registered]")).ToHaveAttributeAsync("data-state", "done");
        await Expect(applicant.Locator("[data-testid=stage-AccessCodeChanged]")).ToHaveAttributeAsync("data-state", "current");

        // 3. The application documents carry the registration number and name.
        var pdfDownload = await applicant.RunAndWaitForDownloadAsync(() => applicant.Locator("#download-pdf").ClickAsync());
        var pdfPath = Path.Combine(dir, "application.pdf");
        await pdfDownload.SaveAsAsync(pdfPath);
        using (var pdf = PdfDocument.Open(pdfPath))
        {
            var text = string.Join("\n", pdf.GetPages().Select(p => p.Text));
            Assert.Contains($"REGISTRATION NUMBER: {number}", text, StringComparison.Ordinal);
            Assert.Contains("Signatory (full name): Petar Georgiev", text, StringComparison.Ordinal);
        }
        // The "signed" copy goes back up, and is handed in.
        await applicant.Locator("#document-file").SetInputFilesAsync(pdfPath);
        await Expect(applicant.Locator("[data-testid=document-row]")).ToHaveCountAsync(1);
        await applicant.Locator("#submit-documents").ClickAsync();
        await Expect(Profile(applicant)).ToHaveAttributeAsync("data-status", "DocumentsSubmitted");
        await Expect(applicant.Locator("[data-testid=stage-DocumentsSubmitted]")).ToHaveAttributeAsync("data-state", "current");
        await Expect(applicant.Locator("[data-testid=stage-Issued]")).ToHaveAttributeAsync("data-state", "todo");
        await fx.ScreenshotAsync(applicant, "registration-number-status");

        // 4. The RA officer checks the documents against the checklist and accepts.
        var officer = await SignedInAsync();
        await OpenAtDeskAsync(officer, number);
        await Expect(officer.Locator("[data-testid=detail-status]")).ToHaveTextAsync("Documents submitted");
        await officer.Locator("#accept-documents").ClickAsync();
        await Expect(officer.GetByText("confirm every required document first")).ToBeVisibleAsync();
        foreach (var item in Checklist) await officer.GetByRole(AriaRole.Checkbox, new PageGetByRoleOptions { Name = item, Exact = true }).CheckAsync();
        await fx.ScreenshotAsync(officer, "registration-desk");
        await officer.Locator("#accept-documents").ClickAsync();
        await Expect(officer.Locator("[data-testid=action-done]")).ToHaveTextAsync($"Accepted the documents of {number}");

        // 7. The applicant generates the key pair in the browser and submits the electronic application.
        await ReloadAsync(applicant);
        await Expect(Profile(applicant)).ToHaveAttributeAsync("data-status", "DocumentsAccepted");
        await applicant.Locator("#generate-csr").ClickAsync();
        await Expect(Profile(applicant)).ToHaveAttributeAsync("data-status", "ApplicationSubmitted");

        // 8. The RA records the payment and verifies, which issues the certificate.
        await OpenAtDeskAsync(officer, number);
        await officer.Locator("#payment-amount").FillAsync("25.00");
        await officer.Locator("#payment-reference").FillAsync("BANK-4711");
        await officer.Locator("#record-payment").ClickAsync();
        await Expect(officer.Locator("[data-testid=action-done]")).ToHaveTextAsync($"Recorded the payment of {number}");
        await officer.Locator("#verify").ClickAsync();
        await Expect(officer.Locator("[data-testid=action-done]")).ToContainTextAsync($"Verified {number} and issued certificate");

        // 9. The applicant sees every stage done and downloads the certificate; openssl verifies the chain.
        await ReloadAsync(applicant);
        await Expect(Profile(applicant)).ToHaveAttributeAsync("data-status", "Issued");
        await Expect(applicant.Locator("[data-state=todo]")).ToHaveCountAsync(0);
        await fx.ScreenshotAsync(applicant, "registration-number-profile");
        var certDownload = await applicant.RunAndWaitForDownloadAsync(() => applicant.Locator("#download-certificate").ClickAsync());
        var bundle = Path.Combine(dir, "bundle.pem");
        await certDownload.SaveAsAsync(bundle);
        var pems = Tools.SplitPem(await File.ReadAllTextAsync(bundle));
        Assert.True(pems.Count >= 2, $"wanted the certificate and its chain, got {pems.Count} PEM blocks");
        var leaf = Path.Combine(dir, "leaf.pem");
        var chain = Path.Combine(dir, "chain.pem");
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(leaf, pems[0]);
        await File.WriteAllTextAsync(chain, string.Concat(pems.Skip(1)));
        await File.WriteAllTextAsync(root, pems[^1]);
        Assert.EndsWith(": OK", (await CertificateChecks.VerifyAsync(root, chain, leaf)).StdOut.Trim());
        Assert.Contains($"email:{email}", await CertificateChecks.SubjectAltNamesAsync(leaf), StringComparison.Ordinal);

        // The key in the certificate is the one this browser generated and still holds.
        var browserKey = await applicant.EvaluateAsync<string>(@"async id => {
            const db = await new Promise(r => { const o = indexedDB.open('castellan-enrolment', 1); o.onsuccess = () => r(o.result); });
            const held = await new Promise(r => { const g = db.transaction('keys').objectStore('keys').get(id); g.onsuccess = () => r(g.result); });
            const spki = new Uint8Array(await crypto.subtle.exportKey('spki', held.publicKey));
            return btoa(String.fromCharCode(...spki));
        }", await ApplicationIdAsync(number));
        var certKey = (await Tools.OpenSslAsync("x509", "-noout", "-pubkey", "-in", leaf)).StdOut;
        Assert.Equal(browserKey, string.Concat(certKey.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim())));
    }

    [Fact]
    public async Task A_wrong_access_code_is_refused_beside_the_code_field_and_the_typed_number_stays()
    {
        var service = await ServiceAsync("Bad input " + Guid.NewGuid().ToString("N")[..6]);
        var email = RegistrationServer.NewEmail("wrong");
        using (var registered = await fx.Server.Anonymous.PostAsJsonAsync("/api/v1/registration-applications", new { serviceId = service.Id, fullName = "Wrong Code", email }))
            await RegistrationServer.Json(registered, 201);
        var (number, _) = await MailedCredentialsAsync(email);

        var page = await fx.NewPageAsync();
        await page.GotoAsync("/applicant/signin");
        await LiveAsync(page);
        await page.Locator("#number").FillAsync(number);
        await page.Locator("#accessCode").FillAsync("AAAA-BBBB-CCCC-DDDD");
        await page.Locator("#applicant-signin").ClickAsync();
        await Expect(Field(page, "#accessCode")).ToContainTextAsync("the registration number or access code is wrong; 4 attempts before the sign-in locks");
        await Expect(page.Locator("#number")).ToHaveValueAsync(number);
        Assert.EndsWith("/applicant/signin", page.Url, StringComparison.Ordinal);
        await fx.ScreenshotAsync(page, "registration-number-wrong-code");
    }

    private sealed record Service(string Id, string Name);

    private async Task<Service> ServiceAsync(string name)
    {
        using var created = await fx.Admin.PostAsJsonAsync("/api/v1/registration-services", new { name, productId = "prd_smime", checklist = Checklist, fee = 25.00m, currency = "EUR" });
        return new Service((await RegistrationServer.Json(created, 201)).GetProperty("id").GetString()!, name);
    }

    private async Task<(string Number, string Code)> MailedCredentialsAsync(string email)
    {
        var mail = await fx.Server.Mail.WaitForAsync(email, m => (m.TextBody ?? "").Contains("Initial access code:", StringComparison.Ordinal));
        return (Regex.Match(mail.TextBody!, @"Registration number: (RN-[0-9A-Z-]+)").Groups[1].Value, Regex.Match(mail.TextBody!, @"Initial access code: ([0-9A-Z-]+)").Groups[1].Value);
    }

    private static async Task SignInAsync(IPage page, string number, string code)
    {
        await page.GotoAsync("/applicant/signin");
        await LiveAsync(page);
        await page.Locator("#number").FillAsync(number);
        await page.Locator("#accessCode").FillAsync(code);
        await page.Locator("#applicant-signin").ClickAsync();
        await page.WaitForURLAsync("**/applicant");
        await LiveAsync(page);
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

    private static async Task OpenAtDeskAsync(IPage officer, string number)
    {
        await officer.GotoAsync("/registration-desk");
        await LiveAsync(officer);
        await Expect(officer.Locator("[data-testid=desk-ready]")).ToBeAttachedAsync();
        await officer.Locator($"[data-testid='open-{number}']").ClickAsync();
        await Expect(officer.Locator("[data-testid=application-detail]")).ToBeVisibleAsync();
    }

    private async Task<string> ApplicationIdAsync(string number)
    {
        using var response = await fx.Admin.GetAsync("/api/v1/registration-applications?pageSize=500");
        var page = await RegistrationServer.Json(response, 200);
        return page.GetProperty("items").EnumerateArray().First(i => i.GetProperty("number").GetString() == number).GetProperty("id").GetString()!;
    }

    private static ILocator Profile(IPage page) => page.Locator("[data-testid=applicant-profile]");

    /// <summary>The MudBlazor input control around <paramref name="input"/>, whose helper line carries the field's error.</summary>
    private static ILocator Field(IPage page, string input) => page.Locator(".mud-input-control").Filter(new LocatorFilterOptions { Has = page.Locator(input) });

    private static async Task ReloadAsync(IPage page)
    {
        await page.ReloadAsync();
        await LiveAsync(page);
    }
}
