using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MiniExcelLibs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Castellan.EndToEnd.PortalPages;

namespace Castellan.EndToEnd.Portal;

/// <summary>
/// The orders screens in Chromium: search, column choice and Excel export on the list; reissue, SAN change and
/// revocation from the order view, each checked through the REST API and the issued certificate with openssl; the
/// approvals queue with its checklist and KYC document; refusals shown by their field with the typed input kept.
/// </summary>
[Trait("Category", "E2E")]
public sealed class PortalOrdersTests(PortalOrdersFixture fx) : IClassFixture<PortalOrdersFixture>
{
    [Fact]
    public async Task Search_narrows_the_list_a_hidden_column_stays_hidden_and_the_Excel_export_holds_exactly_the_filtered_rows()
    {
        var page = await SignedInAsync(fx.C.AdminEmail);
        await page.GotoAsync("/orders");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=orders-loaded-all]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=order-link]").First).ToBeVisibleAsync();
        var before = await page.Locator("[data-testid=order-link]").CountAsync();
        Assert.True(before >= fx.AllOrders, $"wanted at least {fx.AllOrders} orders before filtering, saw {before}");

        // Domain: only the two alpha orders.
        await page.Locator("#domain-filter").FillAsync("alpha.search");
        await page.Locator("#search").ClickAsync();
        await Expect(page.Locator("[data-testid=order-link]")).ToHaveCountAsync(2);
        Assert.Equal(fx.Alpha.Order(StringComparer.Ordinal), (await page.Locator("[data-testid=order-link]").AllInnerTextsAsync()).Order(StringComparer.Ordinal));

        // Requester (the name stored with the order) narrows it to one.
        await page.Locator("#requester-filter").FillAsync("lovelace");
        await page.Locator("#search").ClickAsync();
        await Expect(page.Locator("[data-testid=order-link]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=order-link]")).ToHaveTextAsync(fx.Alpha[0]);
        await page.Locator("#requester-filter").FillAsync("");

        // A date range that ended before the orders were placed finds none; the status filter is the RA's too.
        await page.Locator("#to-filter").FillAsync("2020-01-01");
        await page.Locator("#search").ClickAsync();
        await Expect(page.Locator("[data-testid=no-orders]")).ToBeVisibleAsync();
        await page.Locator("#to-filter").FillAsync("");
        await page.Locator("#search").ClickAsync();
        await Expect(page.Locator("[data-testid=order-link]")).ToHaveCountAsync(2);

        // Column choice: Price hidden, and still hidden after a reload (kept in this browser for this user).
        await Expect(page.Locator("[data-testid=th-price]")).ToHaveCountAsync(1);
        await page.Locator("#choose-columns").ClickAsync();
        await Column(page, "Price").ClickAsync();
        await Expect(page.Locator("[data-testid=th-price]")).ToHaveCountAsync(0);
        await Column(page, "Requester").ClickAsync();
        await Expect(page.Locator("[data-testid=th-requester]")).ToHaveCountAsync(1);
        await fx.ScreenshotAsync(page, "orders-list");
        await page.ReloadAsync();
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=orders-loaded-all]")).ToBeAttachedAsync();
        await Expect(page.Locator("[data-testid=th-requester]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=th-price]")).ToHaveCountAsync(0);

        // Excel export of the filtered list, read back with MiniExcel.
        await page.Locator("#domain-filter").FillAsync("alpha.search");
        await page.Locator("#search").ClickAsync();
        await Expect(page.Locator("[data-testid=order-link]")).ToHaveCountAsync(2);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export").ClickAsync());
        var file = Path.Combine(TestPaths.NewDirectory("export"), download.SuggestedFilename);
        await download.SaveAsAsync(file);
        await Expect(page.Locator("[data-testid=export-status]")).ToContainTextAsync("Exported 2 rows");
        Assert.EndsWith(".xlsx", file);
        var rows = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(fx.Alpha.Order(StringComparer.Ordinal), rows.Select(r => (string)r["Order"]!).Order(StringComparer.Ordinal));
        Assert.Equal("Ada Lovelace", rows.Single(r => (string)r["Order"]! == fx.Alpha[0])["Requester"]);
        Assert.All(rows, r => Assert.Contains("alpha.search.example.com", (string)r["Names"]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reissue_with_a_badly_signed_CSR_is_refused_by_the_field_keeping_it_and_a_good_one_issues_a_certificate_for_the_new_key()
    {
        var dir = TestPaths.NewDirectory("reissue");
        var csrFile = await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=reissue.orders.example.com", "DNS:reissue.orders.example.com");
        var csr = await File.ReadAllTextAsync(csrFile);
        var page = await OrderPageAsync(fx.ToReissue);
        await Expect(page.Locator("[data-testid=order-requester]")).ToHaveTextAsync("not given");
        await fx.ScreenshotAsync(page, "order-view");

        await page.Locator("#open-reissue").ClickAsync();
        var broken = BreakSignature(csr);
        await page.Locator("#reissue-csr").FillAsync(broken);
        await page.Locator("#reissue-submit").ClickAsync();
        var csrError = page.Locator("[data-testid=reissue-dialog] .mud-input-helper-text.mud-input-error");
        await Expect(csrError).ToContainTextAsync("CSR");
        await Expect(page.Locator("#reissue-csr")).ToHaveValueAsync(broken);
        await fx.ScreenshotAsync(page, "order-reissue-refused");
        Assert.Equal(1, await OrdersNamingAsync("reissue.orders.example.com")); // nothing was placed

        await page.Locator("#reissue-csr").FillAsync(csr);
        await page.Locator("#reissue-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToContainTextAsync("Reissue placed");
        var reissueId = await page.Locator("[data-testid=new-order-link]").InnerTextAsync();

        var reissue = await fx.OrderOverApiAsync(reissueId);
        Assert.Equal(("reissue", fx.ToReissue, "key-compromise", "fulfilled"),
            (reissue.GetProperty("kind").GetString(), reissue.GetProperty("originalOrderId").GetString(), reissue.GetProperty("reissueReason").GetString(), reissue.GetProperty("status").GetString()));
        var leaf = await CertificateFileAsync(reissue.GetProperty("certificateSerial").GetString()!, dir);
        var certKey = await Tools.OpenSslAsync("x509", "-in", leaf, "-noout", "-pubkey");
        var csrKey = await Tools.OpenSslAsync("req", "-in", csrFile, "-noout", "-pubkey");
        Assert.Equal(csrKey.StdOut, certKey.StdOut);
        Assert.Equal(2, await OrdersNamingAsync("reissue.orders.example.com"));
        var original = await fx.OrderOverApiAsync(fx.ToReissue);
        Assert.NotEqual(original.GetProperty("certificateSerial").GetString(), reissue.GetProperty("certificateSerial").GetString());
    }

    [Fact]
    public async Task Renew_before_the_window_shows_the_RAs_refusal_and_inside_it_issues_a_new_certificate_for_the_new_key_that_openssl_verifies()
    {
        var dir = TestPaths.NewDirectory("renew");
        var early = await PlaceWithValidityAsync("early.renew.orders.example.com", 199);
        var page = await OrderPageAsync(early);
        await page.Locator("#open-renew").ClickAsync();
        await page.Locator("#renew-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=renew-error]")).ToContainTextAsync("60 days before expiry");
        Assert.Equal(1, await OrdersNamingAsync("early.renew.orders.example.com")); // nothing was placed

        // A 30-day certificate is inside the 60-day window at once; the renewal brings a new key.
        const string name = "soon.renew.orders.example.com";
        var soon = await PlaceWithValidityAsync(name, 30);
        var csrFile = await Tools.NewCsrAsync(dir, "ec:P-256", $"/CN={name}", $"DNS:{name}");
        page = await OrderPageAsync(soon);
        await page.Locator("#open-renew").ClickAsync();
        await page.Locator("#renew-csr").FillAsync(await File.ReadAllTextAsync(csrFile));
        await page.Locator("#renew-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToContainTextAsync("Renewal placed");
        var renewalId = await page.Locator("[data-testid=new-order-link]").InnerTextAsync();
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await fx.ScreenshotAsync(page, "order-renewed");

        var renewal = await fx.OrderOverApiAsync(renewalId);
        Assert.Equal(("renewal", soon, "fulfilled"), (renewal.GetProperty("kind").GetString(), renewal.GetProperty("originalOrderId").GetString(), renewal.GetProperty("status").GetString()));
        var serial = renewal.GetProperty("certificateSerial").GetString()!;
        Assert.NotEqual((await fx.OrderOverApiAsync(soon)).GetProperty("certificateSerial").GetString(), serial);
        var chain = Tools.SplitPem(await fx.Server.Client.GetStringAsync($"/api/v1/certificates/{serial}?format=pem"));
        await File.WriteAllTextAsync(Path.Combine(dir, "leaf.pem"), chain[0]);
        await File.WriteAllTextAsync(Path.Combine(dir, "issuer.pem"), chain[1]);
        await File.WriteAllTextAsync(Path.Combine(dir, "root.pem"), chain[^1]);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", Path.Combine(dir, "root.pem"), "-untrusted", Path.Combine(dir, "issuer.pem"),
            "-purpose", "sslserver", "-verify_hostname", name, Path.Combine(dir, "leaf.pem"));
        Assert.True(verify.ExitCode == 0, verify.All);
        var certKey = await Tools.OpenSslAsync("x509", "-in", Path.Combine(dir, "leaf.pem"), "-noout", "-pubkey");
        var csrKey = await Tools.OpenSslAsync("req", "-in", csrFile, "-noout", "-pubkey");
        Assert.Equal(csrKey.StdOut, certKey.StdOut);
    }

    private async Task<string> PlaceWithValidityAsync(string name, int days)
    {
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("e2e-csr"), "ec:P-256", $"/CN={name}", $"DNS:{name}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { productId = PortalOrdersFixture.TlsProduct, csr, sans = new[] { name }, validityDays = days }),
        };
        request.Headers.Add("Idempotency-Key", "e2e-" + Guid.NewGuid().ToString("N"));
        using var response = await fx.C.Admin.SendAsync(request);
        var order = await Castellan.IntegrationTests.Registration.RegistrationServer.Json(response, 201);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        return order.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task An_invalid_SAN_is_refused_by_its_field_keeping_it_and_an_added_name_reaches_the_reissued_certificate()
    {
        var page = await OrderPageAsync(fx.ToChangeSans);
        await page.Locator("#open-sans").ClickAsync();
        await page.Locator("#sans-add").FillAsync("bad_name!.example.com");
        await page.Locator("#sans-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=sans-dialog] .mud-input-helper-text.mud-input-error")).ToContainTextAsync("bad_name!.example.com");
        await Expect(page.Locator("#sans-add")).ToHaveValueAsync("bad_name!.example.com");

        await page.Locator("#sans-add").FillAsync("www.sans.orders.example.com");
        await page.Locator("#sans-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToContainTextAsync("Names changed");
        var newId = await page.Locator("[data-testid=new-order-link]").InnerTextAsync();

        var changed = await fx.OrderOverApiAsync(newId);
        Assert.Equal("fulfilled", changed.GetProperty("status").GetString());
        Assert.Equal(["dns:sans.orders.example.com", "dns:www.sans.orders.example.com"], changed.GetProperty("sans").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var leaf = await CertificateFileAsync(changed.GetProperty("certificateSerial").GetString()!, TestPaths.NewDirectory("sans"));
        var sans = await CertificateChecks.SubjectAltNamesAsync(leaf);
        Assert.Contains("DNS:www.sans.orders.example.com", sans, StringComparison.Ordinal);
        Assert.Contains("DNS:sans.orders.example.com", sans, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_without_remarks_is_refused_by_the_field_and_with_them_the_certificate_is_revoked_for_the_API_and_openssl()
    {
        var page = await OrderPageAsync(fx.ToRevoke);
        var serial = (await fx.OrderOverApiAsync(fx.ToRevoke)).GetProperty("certificateSerial").GetString()!;
        await Expect(page.Locator("[data-testid=certificate-status]")).ToContainTextAsync("valid");
        await page.Locator("#open-revoke").ClickAsync();
        await page.Locator(".mud-select:has(#revoke-reason)").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex("^keyCompromise$") }).ClickAsync();
        await page.Locator("#revoke-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=revoke-dialog] .mud-input-helper-text.mud-input-error")).ToContainTextAsync("'remarks' is required");

        await page.Locator("#revoke-remarks").FillAsync("the server's disk was stolen");
        await page.Locator("#revoke-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToContainTextAsync("revoked (keyCompromise)");
        await Expect(page.Locator("[data-testid=certificate-status]")).ToContainTextAsync("revoked");
        await Expect(page.Locator("#open-revoke")).ToHaveCountAsync(0);

        var certificate = await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/certificates/{serial}");
        Assert.Equal(("revoked", "keyCompromise"), (certificate.GetProperty("status").GetString(), certificate.GetProperty("revocationReason").GetString()));
        // openssl reads the same serial from the file the portal's download serves.
        var dir = TestPaths.NewDirectory("revoked");
        var leaf = await CertificateFileAsync(serial, dir);
        Assert.Equal(serial.ToUpperInvariant(), (await CertificateChecks.SerialAsync(leaf)).ToUpperInvariant());
    }

    [Fact]
    public async Task The_approvals_queue_shows_the_checklist_and_the_KYC_document_and_approves_once_every_item_is_ticked()
    {
        var id = fx.PendingWithChecklist;
        Assert.Equal("pending-approval", (await fx.OrderOverApiAsync(id)).GetProperty("status").GetString());
        var page = await SignedInAsync(fx.C.AdminEmail);
        await page.GotoAsync("/orders/approvals");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=queue-ready]")).ToBeAttachedAsync();
        var card = page.Locator($"[data-testid=queue-{id}]");
        await Expect(card).ToContainTextAsync("The names belong to the applicant");
        await Expect(card).ToContainTextAsync("The ID document matches the requester");
        await Expect(card.Locator("[data-testid=queue-document]")).ToContainTextAsync("passport.pdf");
        var download = await page.RunAndWaitForDownloadAsync(() => card.Locator("[data-testid=document-download]").ClickAsync());
        var saved = Path.Combine(TestPaths.NewDirectory("kyc"), download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        Assert.Equal(PortalOrdersFixture.Pdf, await File.ReadAllBytesAsync(saved));

        // The RA, not the page, requires every item: with one ticked it refuses, naming the missing one beside the checklist.
        var approve = page.Locator($"#queue-approve-{id}");
        await card.GetByText("The names belong to the applicant").ClickAsync();
        await approve.ClickAsync();
        var refusal = card.Locator($"[data-testid=checklist-error-{id}]");
        await Expect(refusal).ToContainTextAsync("The ID document matches the requester");
        await Expect(refusal).Not.ToContainTextAsync("The names belong to the applicant");
        await Expect(card.GetByRole(AriaRole.Checkbox, new() { Name = "The names belong to the applicant" })).ToBeCheckedAsync();
        Assert.Equal("pending-approval", (await fx.OrderOverApiAsync(id)).GetProperty("status").GetString());
        await card.GetByText("The ID document matches the requester", new() { Exact = true }).ClickAsync();
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await fx.ScreenshotAsync(page, "orders-approvals");
        await approve.ClickAsync();
        await Expect(page.Locator("[data-testid=queue-done]")).ToContainTextAsync($"Order {id} approved");
        await Expect(card).ToHaveCountAsync(0);
        // A manual product's approved order is accepted and waits for an RA officer to fulfil it; the audit keeps the ticks.
        Assert.Equal("accepted", (await fx.OrderOverApiAsync(id)).GetProperty("status").GetString());
        var audit = (await fx.Server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.approved&target=order:{id}")).EnumerateArray().Single();
        var ticked = JsonDocument.Parse(audit.GetProperty("detailsJson").GetString()!).RootElement.GetProperty("details").GetProperty("checkedItems");
        Assert.Equal(["The names belong to the applicant", "The ID document matches the requester"], ticked.EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public async Task The_order_view_shows_the_requester_stored_with_the_order()
    {
        var page = await OrderPageAsync(fx.Alpha[0]);
        await Expect(page.Locator("[data-testid=order-requester]")).ToHaveTextAsync("Ada Lovelace, +44 20 7946 0000");
        await Expect(page.Locator("[data-testid=order-price]")).ToHaveTextAsync("50.00 USD");
        var order = await fx.OrderOverApiAsync(fx.Alpha[0]);
        Assert.Equal(("Ada Lovelace", "+44 20 7946 0000"), (order.GetProperty("requesterName").GetString(), order.GetProperty("requesterMobile").GetString()));
    }

    [Fact]
    public async Task Editing_recipients_refuses_a_bad_address_by_its_field_and_saves_a_good_one_and_a_tracking_link_opens_the_public_page()
    {
        var id = fx.Alpha[1];
        var page = await OrderPageAsync(id);
        await page.Locator("#open-edit").ClickAsync();
        await page.Locator("#edit-recipients").FillAsync("ops@example.com\nnot-an-address");
        await page.Locator("#edit-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=edit-dialog] .mud-input-helper-text.mud-input-error")).ToContainTextAsync("additional recipient");
        await Expect(page.Locator("#edit-recipients")).ToHaveValueAsync("ops@example.com\nnot-an-address");
        Assert.Empty((await fx.OrderOverApiAsync(id)).GetProperty("additionalRecipients").EnumerateArray());

        await page.Locator("#edit-recipients").FillAsync("ops@example.com\nsecurity@example.com");
        await page.Locator("#edit-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=action-done]")).ToHaveTextAsync("Order details saved.");
        await Expect(page.Locator("[data-testid=order-recipients]")).ToHaveTextAsync("ops@example.com, security@example.com");
        Assert.Equal(["ops@example.com", "security@example.com"],
            (await fx.OrderOverApiAsync(id)).GetProperty("additionalRecipients").EnumerateArray().Select(e => e.GetString()!).ToArray());

        await page.Locator("#create-tracking-link").ClickAsync();
        var link = page.Locator("#tracking-link");
        await Expect(link).ToHaveValueAsync(new Regex("/track/trk_"));
        var url = await link.InputValueAsync();
        var anonymous = await fx.NewPageAsync();
        await anonymous.GotoAsync(url);
        // The track page lists each name's domain-validation step (here already valid: the tenant proved example.com).
        var step = anonymous.Locator("[data-testid=track-validation][data-name='two.alpha.search.example.com']");
        await Expect(step).ToContainTextAsync("two.alpha.search.example.com");
        await Expect(step.Locator("[data-testid=track-validation-status]")).ToHaveTextAsync("valid");
    }

    private static ILocator Column(IPage page, string title) =>
        page.Locator("[data-testid=column-chooser]").GetByText(title, new() { Exact = true });

    private async Task<IPage> OrderPageAsync(string orderId)
    {
        var page = await SignedInAsync(fx.C.AdminEmail);
        await page.GotoAsync($"/orders/{orderId}");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid^=order-ready-]")).ToBeAttachedAsync();
        return page;
    }

    /// <summary>The certificate as the portal serves it for download (PEM, leaf first), saved for openssl.</summary>
    private async Task<string> CertificateFileAsync(string serial, string dir)
    {
        var pem = await fx.Server.Client.GetStringAsync($"/api/v1/certificates/{serial}?format=pem");
        var leaf = Path.Combine(dir, $"{serial}.pem");
        await File.WriteAllTextAsync(leaf, Tools.SplitPem(pem)[0]);
        return leaf;
    }

    private async Task<int> OrdersNamingAsync(string domain) =>
        (await fx.Server.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/orders?account={fx.C.AccountId}&domain={domain}")).GetProperty("total").GetInt32();

    /// <summary>Flips one bit near the end of the DER (inside the signature), so the PEM parses but the signature fails.</summary>
    private static string BreakSignature(string pem)
    {
        var body = string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
        var der = Convert.FromBase64String(body);
        der[^3] ^= 0x01;
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + string.Join("\n", Convert.ToBase64String(der).Chunk(64).Select(c => new string(c))) + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    [Fact]
    public async Task The_approvals_queue_pages_on_the_server_and_shows_the_total_the_orders_API_counts()
    {
        // Three more orders waiting for the administrator (a Basic User's orders need approval).
        var basic = await fx.Server.AddMemberAsync(fx.C.AccountId, "basic-user");
        var placed = new List<string>();
        for (var i = 0; i < 3; i++) placed.Add(await fx.PlaceAsync(basic.Key, $"page{i}.queue.orders.example.com"));
        var api = await Castellan.IntegrationTests.Registration.RegistrationServer.Json(await fx.C.Admin.GetAsync("/api/v1/orders?status=pending-approval&pageSize=500"), 200);
        var total = api.GetProperty("total").GetInt32();
        Assert.True(total >= 3, $"wanted at least 3 pending orders, the API counts {total}");
        var pages = (total + 1) / 2;

        var page = await SignedInAsync(fx.C.AdminEmail);
        await page.GotoAsync("/orders/approvals?pageSize=2");
        await LiveAsync(page);
        await Expect(page.Locator("[data-testid=queue-ready]")).ToHaveAttributeAsync("data-page", "1");
        await Expect(page.Locator("[data-testid=queue-total]")).ToHaveTextAsync($"1–2 of {total} orders pending approval · page 1 of {pages}");
        await Expect(page.Locator("[data-testid=queue-status-pending-approval]")).ToContainTextAsync($"({total})");

        // The last page holds the rest, newest first across pages: every order the API lists appears exactly once.
        var seen = new List<string>();
        for (var p = 1; p <= pages; p++)
        {
            if (p > 1)
            {
                await page.Locator("#queue-next").ClickAsync();
                await Expect(page.Locator("[data-testid=queue-ready]")).ToHaveAttributeAsync("data-page", p.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            await Expect(page.Locator("[data-testid=queue-order-link]")).ToHaveCountAsync(p < pages ? 2 : total - 2 * (pages - 1));
            seen.AddRange(await page.Locator("[data-testid=queue-order-link]").AllInnerTextsAsync());
        }
        var listed = api.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()!).ToList();
        Assert.Equal(listed, seen);
        Assert.Subset(seen.ToHashSet(), placed.ToHashSet());

        // Rejecting on the first page (the newest, one of this test's orders) refreshes the page and the total from the RA.
        var last = seen[0];
        Assert.Contains(last, placed);
        for (var p = pages - 1; p >= 1; p--)
        {
            await page.Locator("#queue-previous").ClickAsync();
            await Expect(page.Locator("[data-testid=queue-ready]")).ToHaveAttributeAsync("data-page", p.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        await page.Locator($"#queue-reason-{last}").FillAsync("Not ours");
        await page.Locator($"#queue-reject-{last}").ClickAsync();
        await Expect(page.Locator("[data-testid=queue-done]")).ToContainTextAsync($"Order {last} rejected");
        await Expect(page.Locator("[data-testid=queue-status-pending-approval]")).ToContainTextAsync($"({total - 1})");
        await Expect(page.Locator($"[data-testid=queue-{last}]")).ToHaveCountAsync(0);
    }

    private async Task<IPage> SignedInAsync(string email) => await PortalPages.SignedInAsync(await fx.NewPageAsync(), email);
}
