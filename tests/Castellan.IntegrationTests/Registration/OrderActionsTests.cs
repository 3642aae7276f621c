using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using MiniExcelLibs;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Order actions over HTTP (issue 3 items 9-11): fulfilment of manual and API products, reissue with supersession,
/// renewal, SAN changes, revocation, downloads, tracking links, custom fields, edits, search and the xlsx export.
/// Bad input is refused with a problem and leaves no order and no debit behind.
/// </summary>
public abstract class OrderActionsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string TlsProduct = "prd_tls_server";
    private const string MultiProduct = "prd_tls_multi";

    [Fact]
    public async Task Reissue_is_free_linked_to_the_original_and_the_old_certificate_is_revoked_as_superseded_after_the_grace_period()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        var dir = TestPaths.NewDirectory("reissue");
        var original = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr = await NewCsrAsync(dir, "re.example.com") }), 201);
        var id = original.GetProperty("id").GetString()!;
        var oldSerial = original.GetProperty("certificateSerial").GetString()!;
        var balance = await BalanceAsync(tenant.AccountId);

        // An unknown reason, and a key-compromise reissue reusing the old key, are refused and leave nothing behind.
        await ProblemAsync(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{id}/reissue", NewKey(), new { reason = "bored" }), 400, "malformed-input");
        await ProblemAsync(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{id}/reissue", NewKey(),
            new { reason = "key-compromise", csr = File.ReadAllText(Path.Combine(dir, "req.csr")) }), 422, "policy-violation");
        Assert.Equal(1, (await ListAsync(tenant.Admin, "")).GetProperty("total").GetInt32());

        var key = NewKey();
        var reissue = await Json(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{id}/reissue", key, new { reason = "details-changed", remarks = "new server" }), 201);
        Assert.Equal("reissue", reissue.GetProperty("kind").GetString());
        Assert.Equal(id, reissue.GetProperty("originalOrderId").GetString());
        Assert.Equal("fulfilled", reissue.GetProperty("status").GetString());
        Assert.Equal(0, reissue.GetProperty("priceMinor").GetInt64());
        Assert.Equal(oldSerial, reissue.GetProperty("supersedesSerial").GetString());
        Assert.NotEqual(oldSerial, reissue.GetProperty("certificateSerial").GetString());
        Assert.Equal(balance, await BalanceAsync(tenant.AccountId));
        // The same key again is the same reissue.
        var replay = await Json(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{id}/reissue", key, new { reason = "details-changed", remarks = "new server" }), 200);
        Assert.Equal(reissue.GetProperty("id").GetString(), replay.GetProperty("id").GetString());

        // Within the grace period the old certificate is still valid; after it, revoked as superseded.
        Assert.Equal("valid", (await CertificateAsync(oldSerial)).GetProperty("status").GetString());
        var revoked = await WaitForAsync(async () => await CertificateAsync(oldSerial) is var c && c.GetProperty("status").GetString() == "revoked" ? c : (JsonElement?)null);
        Assert.Equal("superseded", revoked.GetProperty("revocationReason").GetString());
        Assert.Equal("valid", (await CertificateAsync(reissue.GetProperty("certificateSerial").GetString()!)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Renewal_is_refused_before_the_window_and_afterwards_is_a_new_priced_order_for_the_same_names()
    {
        var tenant = await NewTenantAsync(credit: 20_000);
        var csr = await NewCsrAsync(TestPaths.NewDirectory("renew"), "renew.example.com");
        var early = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr }), 201);
        var balance = await BalanceAsync(tenant.AccountId);
        var detail = await ProblemAsync(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{early.GetProperty("id").GetString()}/renew", NewKey(), new { }), 422, "policy-violation");
        Assert.Contains("60 days before expiry", detail);
        Assert.Equal(balance, await BalanceAsync(tenant.AccountId));
        Assert.Equal(1, (await ListAsync(tenant.Admin, "")).GetProperty("total").GetInt32());

        // A 30-day certificate is inside the 60-day window at once.
        var shortOrder = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr, validityDays = 30, tags = new[] { new { name = "cost-centre", value = "42" } } }), 201);
        var renewed = await Json(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{shortOrder.GetProperty("id").GetString()}/renew", NewKey(), new { }), 201);
        Assert.Equal("renewal", renewed.GetProperty("kind").GetString());
        Assert.Equal(shortOrder.GetProperty("id").GetString(), renewed.GetProperty("originalOrderId").GetString());
        Assert.Equal("fulfilled", renewed.GetProperty("status").GetString());
        Assert.Equal(5_000, renewed.GetProperty("priceMinor").GetInt64());
        Assert.Equal("42", renewed.GetProperty("tags")[0].GetProperty("value").GetString());
        Assert.Equal(balance - 2 * 5_000, await BalanceAsync(tenant.AccountId));
    }

    [Fact]
    public async Task Adding_a_SAN_to_a_multi_domain_order_is_priced_and_reissued_and_a_single_domain_product_refuses()
    {
        var tenant = await NewTenantAsync(credit: 50_000);
        var names = new[] { "dns:a.example.com", "dns:b.example.com", "dns:c.example.com" };
        var csr = await NewCsrAsync(TestPaths.NewDirectory("sans"), "a.example.com");
        var multi = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = MultiProduct, csr, sans = names }), 201);
        Assert.Equal(12_000, multi.GetProperty("priceMinor").GetInt64());
        var balance = await BalanceAsync(tenant.AccountId);

        var changed = await Json(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{multi.GetProperty("id").GetString()}/sans", NewKey(),
            new { add = new[] { "dns:d.example.com" }, remove = Array.Empty<string>() }), 201);
        Assert.Equal("reissue", changed.GetProperty("kind").GetString());
        Assert.Equal("names-changed", changed.GetProperty("reissueReason").GetString());
        Assert.Equal(2_000, changed.GetProperty("priceMinor").GetInt64()); // one name beyond the three included, one year
        Assert.Equal(balance - 2_000, await BalanceAsync(tenant.AccountId));
        Assert.Equal("fulfilled", changed.GetProperty("status").GetString());
        var cert = await CertificateAsync(changed.GetProperty("certificateSerial").GetString()!);
        Assert.Contains("dns:d.example.com", cert.GetProperty("sans").EnumerateArray().Select(s => s.GetString()));

        // Removing a name not on the order, and any change on a single-domain product, are refused with nothing charged.
        await ProblemAsync(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{multi.GetProperty("id").GetString()}/sans", NewKey(),
            new { remove = new[] { "dns:zzz.example.com" } }), 400, "malformed-input");
        var single = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr = await NewCsrAsync(TestPaths.NewDirectory("sans"), "s.example.com") }), 201);
        var before = await BalanceAsync(tenant.AccountId);
        var ordersBefore = (await ListAsync(tenant.Admin, "")).GetProperty("total").GetInt32();
        Assert.Contains("single-domain", await ProblemAsync(await PostKeyedAsync(tenant.Admin, $"/api/v1/orders/{single.GetProperty("id").GetString()}/sans", NewKey(),
            new { add = new[] { "dns:t.example.com" } }), 422, "policy-violation"));
        Assert.Equal(before, await BalanceAsync(tenant.AccountId));
        Assert.Equal(ordersBefore, (await ListAsync(tenant.Admin, "")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Revoking_an_orders_certificate_goes_through_the_CA_and_downloads_come_in_every_format()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        var dir = TestPaths.NewDirectory("revoke");
        var order = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr = await NewCsrAsync(dir, "rv.example.com") }), 201);
        var id = order.GetProperty("id").GetString()!;
        var serial = order.GetProperty("certificateSerial").GetString()!;

        using var der = await tenant.Admin.GetAsync($"/api/v1/orders/{id}/certificate?format=der");
        Assert.Equal("application/pkix-cert", der.Content.Headers.ContentType?.MediaType);
        File.WriteAllBytes(Path.Combine(dir, "leaf.der"), await der.Content.ReadAsByteArrayAsync());
        var x509 = await Tools.OpenSslAsync("x509", "-inform", "DER", "-in", Path.Combine(dir, "leaf.der"), "-noout", "-serial");
        Assert.Equal(serial, x509.StdOut.Trim()["serial=".Length..], ignoreCase: true);
        using var p7b = await tenant.Admin.GetAsync($"/api/v1/orders/{id}/certificate?format=p7b");
        File.WriteAllBytes(Path.Combine(dir, "bundle.p7b"), await p7b.Content.ReadAsByteArrayAsync());
        var pkcs7 = await Tools.OpenSslAsync("pkcs7", "-inform", "DER", "-in", Path.Combine(dir, "bundle.p7b"), "-print_certs", "-noout");
        Assert.True(pkcs7.ExitCode == 0, pkcs7.All);
        Assert.Equal(3, pkcs7.StdOut.Split("subject=").Length - 1);
        var pem = await tenant.Admin.GetStringAsync($"/api/v1/orders/{id}/certificate?format=pem");
        Assert.Equal(3, Tools.SplitPem(pem).Count);
        await ProblemAsync(await tenant.Admin.GetAsync($"/api/v1/orders/{id}/certificate?format=p12"), 409, "conflict");

        await ProblemAsync(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/revoke", new { reason = "bored", remarks = "x" }), 400, "malformed-input");
        await ProblemAsync(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/revoke", new { reason = "keyCompromise" }), 400, "malformed-input");
        Assert.Equal("valid", (await CertificateAsync(serial)).GetProperty("status").GetString());
        await Json(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/revoke", new { reason = "keyCompromise", remarks = "laptop stolen" }), 200);
        var cert = await CertificateAsync(serial);
        Assert.Equal(("revoked", "keyCompromise"), (cert.GetProperty("status").GetString(), cert.GetProperty("revocationReason").GetString()));
        var audit = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.certificate-revoked&target=order:{id}");
        Assert.Contains("laptop stolen", audit.EnumerateArray().Single().GetProperty("detailsJson").GetString());
        await ProblemAsync(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/revoke", new { reason = "superseded", remarks = "again" }), 409, "conflict");
    }

    [Fact]
    public async Task A_tracking_link_shows_progress_without_secrets_and_a_new_link_replaces_the_old()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        var order = await Json(await PlaceAsync(tenant.Admin, NewKey(), new
        {
            productId = TlsProduct, csr = await NewCsrAsync(TestPaths.NewDirectory("track"), "track.example.com"), remarks = "secret remark",
            additionalRecipients = new[] { "watcher@example.com" },
        }), 201);
        var id = order.GetProperty("id").GetString()!;
        var link = await Json(await tenant.Admin.PostAsync($"/api/v1/orders/{id}/tracking-link", null), 200);
        var url = link.GetProperty("url").GetString()!;
        Assert.StartsWith(server.BaseUrl + "/track/trk_", url);

        using var page = await server.Anonymous.GetAsync(url);
        var text = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal("fulfilled", view.GetProperty("status").GetString());
        Assert.Contains("dns:track.example.com", view.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        foreach (var secret in new[] { "secret remark", "watcher@example.com", tenant.AccountId, tenant.AdminUserId, "BEGIN CERTIFICATE REQUEST", "priceMinor", id })
            Assert.DoesNotContain(secret, text);

        var second = await Json(await tenant.Admin.PostAsync($"/api/v1/orders/{id}/tracking-link", null), 200);
        Assert.NotEqual(url, second.GetProperty("url").GetString());
        await ProblemAsync(await server.Anonymous.GetAsync(url), 404, "not-found");
        await ProblemAsync(await server.Anonymous.GetAsync("/track/trk_guess"), 404, "not-found");
        using var fresh = await server.Anonymous.GetAsync(second.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Custom_fields_are_checked_field_by_field_at_placement_nothing_is_kept_on_error_and_they_can_be_edited_later()
    {
        var tenant = await NewTenantAsync(credit: 20_000);
        await DefineFieldsAsync(tenant);
        await ProblemAsync(await tenant.Admin.PostAsJsonAsync($"/api/v1/accounts/{tenant.AccountId}/custom-fields", new { name = "x", type = "colour" }), 400, "malformed-input");

        // Missing mandatory, too long, wrong type, unknown option, unknown field: all reported at once, beside their fields.
        using var bad = await PlaceAsync(tenant.Admin, NewKey(), new
        {
            productId = TlsProduct,
            customFields = new Dictionary<string, string> { ["project"] = new string('a', 21), ["due"] = "tomorrow", ["tier"] = "gold", ["nope"] = "1" },
        });
        var problem = await Json(bad, 422);
        Assert.Equal("urn:castellan:problem:custom-fields-invalid", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("detail").GetString()!);
        Assert.Equal(["cost-centre", "due", "nope", "project", "tier"], errors.Keys.Order().ToArray());
        Assert.Contains("required", errors["cost-centre"]);
        Assert.Contains("longer than 20", errors["project"]);
        Assert.Contains("yyyy-MM-dd", errors["due"]);
        await ProblemAsync(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, customFields = new Dictionary<string, string> { ["cost-centre"] = "CC-1;" } }), 422, "custom-fields-invalid");
        Assert.Equal(20_000, await BalanceAsync(tenant.AccountId));
        Assert.Equal(0, (await ListAsync(tenant.Admin, "")).GetProperty("total").GetInt32());

        var order = await Json(await PlaceAsync(tenant.Admin, NewKey(), new
        {
            productId = TlsProduct, customFields = new Dictionary<string, string> { ["cost-centre"] = "CC 42", ["due"] = "2027-01-31", ["tier"] = "silver", ["urgent"] = "TRUE" },
        }), 201);
        Assert.Equal("true", order.GetProperty("customFields").GetProperty("urgent").GetString());
        var id = order.GetProperty("id").GetString()!;

        // Editing after placement: checked the same way; a bad edit changes nothing.
        await ProblemAsync(await tenant.Admin.PatchAsJsonAsync($"/api/v1/orders/{id}", new { customFields = new Dictionary<string, string> { ["due"] = "2027-02-30" } }), 422, "custom-fields-invalid");
        await ProblemAsync(await tenant.Admin.PatchAsJsonAsync($"/api/v1/orders/{id}", new { additionalRecipients = new[] { "not an email" } }), 400, "malformed-input");
        var unchanged = await tenant.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{id}");
        Assert.Equal("2027-01-31", unchanged.GetProperty("customFields").GetProperty("due").GetString());
        var edited = await Json(await tenant.Admin.PatchAsJsonAsync($"/api/v1/orders/{id}", new
        {
            customFields = new Dictionary<string, string> { ["cost-centre"] = "CC 43" }, additionalRecipients = new[] { "ops@example.com" },
        }), 200);
        Assert.Equal("CC 43", edited.GetProperty("customFields").GetProperty("cost-centre").GetString());
        Assert.False(edited.GetProperty("customFields").TryGetProperty("due", out _));
        Assert.Equal("ops@example.com", edited.GetProperty("additionalRecipients")[0].GetString());
        var audit = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.details-edited&target=order:{id}");
        Assert.Contains("CC 42", audit.EnumerateArray().Single().GetProperty("detailsJson").GetString());
        Assert.Equal(1, (await ListAsync(tenant.Admin, "?field=cost-centre:CC%2043")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await ListAsync(tenant.Admin, "?field=cost-centre:CC%2042")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Search_filters_by_date_domain_status_product_group_tag_and_field_and_the_xlsx_export_has_the_same_rows()
    {
        var tenant = await NewTenantAsync(credit: 100_000);
        await DefineFieldsAsync(tenant);
        var a = await Json(await PlaceAsync(tenant.Admin, NewKey(), new
        {
            productId = TlsProduct, sans = new[] { "dns:shop.example.com" }, reportingTags = new[] { "IT" },
            tags = new[] { new { name = "env", value = "prod" } }, customFields = new Dictionary<string, string> { ["cost-centre"] = "CC 1" },
        }), 201);
        var b = await Json(await PlaceAsync(tenant.Admin, NewKey(), new
        {
            productId = MultiProduct, sans = new[] { "dns:mail.example.org" }, tags = new[] { new { name = "env", value = "test" } },
            customFields = new Dictionary<string, string> { ["cost-centre"] = "CC 2" },
        }), 201);
        // An order names a group that exists in its account (seed 003 "Groups").
        var web = (await Json(await tenant.Admin.PostAsJsonAsync($"/api/v1/accounts/{tenant.AccountId}/groups", new { name = "web" }), 201)).GetProperty("id").GetString()!;
        var draft = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, saveAsDraft = true, groupId = web, sans = new[] { "dns:draft.example.com" } }), 201);
        string Id(JsonElement o) => o.GetProperty("id").GetString()!;
        async Task<string[]> Ids(string q) => (await ListAsync(tenant.Admin, q)).GetProperty("items").EnumerateArray().Select(Id).Order().ToArray();

        Assert.Equal(new[] { Id(a) }, await Ids("?domain=shop.example.com"));
        Assert.Equal(new[] { Id(a), Id(draft) }.Order().ToArray(), await Ids("?domain=example.com"));
        Assert.Equal(new[] { Id(draft) }, await Ids("?status=on-hold"));
        Assert.Equal(new[] { Id(b) }, await Ids($"?product={MultiProduct}"));
        Assert.Equal(new[] { Id(draft) }, await Ids($"?group={web}"));
        Assert.Equal(new[] { Id(a) }, await Ids("?tag=IT"));
        Assert.Equal(new[] { Id(a), Id(b) }.Order().ToArray(), await Ids("?tag=env"));
        Assert.Equal(new[] { Id(b) }, await Ids("?tag=env:test"));
        Assert.Equal(new[] { Id(b) }, await Ids("?field=cost-centre:CC%202"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        Assert.Equal(3, (await Ids($"?from={today}&to={today}")).Length);
        Assert.Empty(await Ids("?to=2020-01-01"));
        var paged = await ListAsync(tenant.Admin, "?pageSize=2&page=2");
        Assert.Equal((3, 1), (paged.GetProperty("total").GetInt32(), paged.GetProperty("items").GetArrayLength()));
        await ProblemAsync(await tenant.Admin.GetAsync("/api/v1/orders?from=2027-01-02&to=2027-01-01"), 400, "malformed-input");
        await ProblemAsync(await tenant.Admin.GetAsync("/api/v1/orders?from=yesterday"), 400, "malformed-input");
        await ProblemAsync(await tenant.Admin.GetAsync("/api/v1/orders?field=cost-centre"), 400, "malformed-input");

        using var export = await tenant.Admin.GetAsync("/api/v1/orders/export.xlsx?tag=env");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await export.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(new[] { Id(a), Id(b) }.Order().ToArray(), rows.Select(r => (string)r["Order"]!).Order().ToArray());
        var rowA = rows.Single(r => (string)r["Order"]! == Id(a));
        Assert.Equal("CC 1", rowA["Cost centre"]);
        Assert.Equal("dns:shop.example.com", rowA["Names"]);
        Assert.Contains("env=prod", (string)rowA["Tags"]!);
        Assert.Equal("Order Accepted", rowA["Status"]);
        await ProblemAsync(await tenant.Admin.GetAsync("/api/v1/orders/export.xlsx?to=nonsense"), 400, "malformed-input");
    }

    [Fact]
    public async Task Manual_products_are_fulfilled_by_hand_and_API_products_by_a_real_time_decision()
    {
        var tenant = await NewTenantAsync(credit: 50_000);
        var manual = await PrivateProductAsync(tenant, "manual");
        var csr = await NewCsrAsync(TestPaths.NewDirectory("fulfil"), "dev.example.com");
        var waiting = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = manual, csr }), 201);
        Assert.Equal("accepted", waiting.GetProperty("status").GetString());
        var basic = await server.AddMemberAsync(tenant.AccountId, "basic-user");
        await ProblemAsync(await basic.Key.PostAsync($"/api/v1/orders/{waiting.GetProperty("id").GetString()}/fulfil", null), 403, "forbidden");
        var fulfilled = await Json(await tenant.Admin.PostAsync($"/api/v1/orders/{waiting.GetProperty("id").GetString()}/fulfil", null), 200);
        Assert.Equal("fulfilled", fulfilled.GetProperty("status").GetString());
        await ProblemAsync(await tenant.Admin.PostAsync($"/api/v1/orders/{waiting.GetProperty("id").GetString()}/fulfil", null), 409, "conflict");

        // The operator's catalogue is vetted by operator staff: a tenant administrator cannot fulfil a built-in manual product.
        var smime = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = "prd_smime" }), 201);
        await ProblemAsync(await tenant.Admin.PostAsync($"/api/v1/orders/{smime.GetProperty("id").GetString()}/fulfil", null), 403, "forbidden");

        // API-driven: a basic user's order waits; the external system's decision approves and issues in the same response.
        var api = await PrivateProductAsync(tenant, "api");
        var pending = await Json(await PlaceAsync(basic.Key, NewKey(), new { productId = api, csr }), 201);
        Assert.Equal("pending-approval", pending.GetProperty("status").GetString());
        await ProblemAsync(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{pending.GetProperty("id").GetString()}/decision", new { decision = "maybe" }), 400, "malformed-input");
        var decided = await Json(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{pending.GetProperty("id").GetString()}/decision", new { decision = "approve" }), 200);
        Assert.Equal("fulfilled", decided.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(decided.GetProperty("certificateSerial").GetString()));
        var second = await Json(await PlaceAsync(basic.Key, NewKey(), new { productId = api, csr }), 201);
        var before = await BalanceAsync(tenant.AccountId);
        var rejected = await Json(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{second.GetProperty("id").GetString()}/decision", new { decision = "reject", reason = "unknown device" }), 200);
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal(before + second.GetProperty("priceMinor").GetInt64(), await BalanceAsync(tenant.AccountId));
        // A decision is for API products only.
        var manualAgain = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = manual, csr }), 201);
        await ProblemAsync(await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{manualAgain.GetProperty("id").GetString()}/decision", new { decision = "approve" }), 409, "conflict");
    }

    [Fact]
    public async Task Coverage_outside_one_to_three_years_is_refused_and_three_years_are_priced_as_three()
    {
        var tenant = await NewTenantAsync(credit: 20_000);
        await ProblemAsync(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, coverageYears = 4 }), 422, "policy-violation");
        await ProblemAsync(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, coverageYears = 0 }), 422, "policy-violation");
        var order = await Json(await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, coverageYears = 3 }), 201);
        Assert.Equal(15_000, order.GetProperty("priceMinor").GetInt64());
        Assert.Equal(3, order.GetProperty("coverageYears").GetInt32());
        var ends = order.GetProperty("coverageEndsAt").GetDateTimeOffset();
        Assert.InRange(ends, DateTimeOffset.UtcNow.AddYears(3).AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(3).AddMinutes(5));
        // Each certificate stays within the product's 199 days, however long the coverage.
        Assert.Equal(199, order.GetProperty("validityDays").GetInt32());
    }

    private sealed record Tenant(string AccountId, string AdminUserId, HttpClient Admin);

    private async Task DefineFieldsAsync(Tenant tenant)
    {
        foreach (var field in new object[]
        {
            new { name = "cost-centre", label = "Cost centre", type = "text", mandatory = true, maxLength = 20, allowedCharacters = new[] { "letters", "digits", "space" }, extraCharacters = "-" },
            new { name = "project", type = "text", maxLength = 20 },
            new { name = "due", type = "date" },
            new { name = "tier", type = "dropdown", options = new[] { "silver", "bronze" } },
            new { name = "urgent", type = "checkbox" },
        })
        {
            await Json(await tenant.Admin.PostAsJsonAsync($"/api/v1/accounts/{tenant.AccountId}/custom-fields", field), 201);
        }
    }

    private async Task<string> PrivateProductAsync(Tenant tenant, string mode)
    {
        var created = await Json(await tenant.Admin.PostAsJsonAsync($"/api/v1/accounts/{tenant.AccountId}/products", new
        {
            name = $"Devices {mode} {Guid.NewGuid():N}", profileId = "tls-client", validityDays = 365, pricePerYearMinor = 1_000, currency = "USD", approvalMode = mode,
        }), 201);
        return created.GetProperty("id").GetString()!;
    }

    private async Task<Tenant> NewTenantAsync(long credit)
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{account}/credits")
        {
            Content = JsonContent.Create(new { amountMinor = credit, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] }),
        };
        request.Headers.Add("Idempotency-Key", NewKey());
        using var credited = await server.Client.SendAsync(request);
        await Json(credited, 201);
        var tenant = new Tenant(account, admin, server.KeyClient(await server.NewKeyAsync(account, admin)));
        // tls-server orders need domain control: the tenant proves example.com (and so its subdomains) once, through the real VA and BIND.
        await server.ValidateDomainAsync(tenant.Admin);
        return tenant;
    }

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    private static Task<HttpResponseMessage> PlaceAsync(HttpClient client, string key, object body) => PostKeyedAsync(client, "/api/v1/orders", key, body);

    private static async Task<HttpResponseMessage> PostKeyedAsync(HttpClient client, string path, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<string> NewCsrAsync(string dir, string name) =>
        File.ReadAllText(await Tools.NewCsrAsync(dir, "ec:P-256", $"/CN={name}", $"DNS:{name}"));

    private Task<JsonElement> CertificateAsync(string serial) => server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{serial}");

    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement?>> probe)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(250);
        }
        throw new TimeoutException("the condition was not reached within 20 s");
    }

    private async Task<long> BalanceAsync(string account)
    {
        var balance = await server.Get<Castellan.Billing.Contracts.ILedgerStore>()
            .FindBalanceAsync(Castellan.Billing.Contracts.LedgerAccount.AccountCode(account), CancellationToken.None);
        return balance?.Minor ?? 0;
    }

    private static async Task<JsonElement> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/api/v1/orders" + query);
        return await Json(response, 200);
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, int status, string type)
    {
        using (response)
        {
            var problem = await Json(response, status);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal($"urn:castellan:problem:{type}", problem.GetProperty("type").GetString());
            return problem.GetProperty("detail").GetString()!;
        }
    }
}

public sealed class OrderActionsTestsOnSqlite(RegistrationServer server) : OrderActionsTests<RegistrationServer>(server);

public sealed class OrderActionsTestsOnPostgres(PostgresRegistrationServer server) : OrderActionsTests<PostgresRegistrationServer>(server);
