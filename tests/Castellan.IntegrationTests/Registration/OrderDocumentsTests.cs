using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Support;
using static Castellan.IntegrationTests.Registration.RaTestClient;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// KYC documents on orders and certificate download delegation, against a real server whose mail goes over SMTP to a
/// real sink: the delegate's PIN is read from the mail that arrived, never from the database.
/// </summary>
public sealed class OrderDocumentsTests(SecurityServer server) : IClassFixture<SecurityServer>
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task Documents_are_sniffed_sanitised_capped_and_served_only_to_the_orders_people_with_their_sniffed_type()
    {
        var (account, admin, orderId) = await FulfilledOrderAsync();
        var path = $"/api/v1/orders/{orderId}/documents";

        var pdf = await Json(await UploadAsync(admin, path, "passport.pdf", Pdf, "application/pdf"), 201);
        Assert.Equal(("passport.pdf", "application/pdf"), (pdf.GetProperty("fileName").GetString(), pdf.GetProperty("contentType").GetString()));
        // A name with odd characters is kept readable but plain; the extension follows the sniffed type.
        var png = await Json(await UploadAsync(admin, path, "scan <1> é", Png, "application/octet-stream"), 201);
        Assert.Equal(("scan _1_ _.png", "image/png"), (png.GetProperty("fileName").GetString(), png.GetProperty("contentType").GetString()));

        // Lies, traversal, emptiness and size: refused, nothing stored.
        await ProblemAsync(await UploadAsync(admin, path, "photo.png", Pdf, null), 415, "unsupported-document-type");
        await ProblemAsync(await UploadAsync(admin, path, "id.pdf", Pdf, "image/png"), 415, "unsupported-document-type");
        await ProblemAsync(await UploadAsync(admin, path, "page.pdf", Encoding.ASCII.GetBytes("<html><script>alert(1)</script>"), "application/pdf"), 415, "unsupported-document-type");
        await ProblemAsync(await UploadAsync(admin, path, "../../etc/passwd.pdf", Pdf, null), 400, "malformed-input");
        await ProblemAsync(await UploadAsync(admin, path, "..\\boot.ini.pdf", Pdf, null), 400, "malformed-input");
        await ProblemAsync(await UploadAsync(admin, path, ".hidden.pdf", Pdf, null), 400, "malformed-input");
        await ProblemAsync(await UploadAsync(admin, path, null, Pdf, null), 400, "malformed-input");
        await ProblemAsync(await UploadAsync(admin, path, "empty.pdf", [], null), 400, "malformed-input");
        var huge = new byte[5 * 1024 * 1024 + 1];
        Pdf.CopyTo(huge, 0);
        await ProblemAsync(await UploadAsync(admin, path, "huge.pdf", huge, null), 413, "document-too-large");
        var list = await Json(await admin.GetAsync(path), 200);
        Assert.Equal(2, list.GetArrayLength());

        using var download = await admin.GetAsync($"{path}/{pdf.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("passport.pdf", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var audit = await AuditAsync(server, "order.document-downloaded", $"order:{orderId}");
        Assert.Contains(pdf.GetProperty("sha256").GetString()!, audit.GetProperty("detailsJson").GetString());

        // The order's people and RA officers: yes. A basic user who did not place it, or another tenant: it does not exist.
        var officer = await server.AddMemberAsync("operator", "ra-officer");
        Assert.Equal(2, (await Json(await officer.Key.GetAsync(path), 200)).GetArrayLength());
        var basic = await server.AddMemberAsync(account, "basic-user");
        await ProblemAsync(await basic.Key.GetAsync(path), 404, "not-found");
        await ProblemAsync(await UploadAsync(basic.Key, path, "x.pdf", Pdf, null), 404, "not-found");
        var (_, stranger, _) = await FulfilledOrderAsync();
        await ProblemAsync(await stranger.GetAsync($"{path}/{pdf.GetProperty("id").GetString()}"), 404, "not-found");
        await ProblemAsync(await UploadAsync(stranger, path, "x.pdf", Pdf, null), 404, "not-found");
        Assert.Equal(2, (await Json(await admin.GetAsync(path), 200)).GetArrayLength());
    }

    [Fact]
    public async Task A_delegate_downloads_the_certificate_with_the_emailed_PIN_and_wrong_PINs_lock_the_delegation()
    {
        var (_, admin, orderId) = await FulfilledOrderAsync();
        var email = NewEmail("delegate");
        var delegated = await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{orderId}/delegation", new { name = "Dee Legate", email }), 200);
        Assert.Equal(email, delegated.GetProperty("email").GetString());
        Assert.False(delegated.TryGetProperty("pin", out _));
        var pin = await PinAsync(email, 1);

        var expected = await (await admin.GetAsync($"/api/v1/orders/{orderId}/certificate?format=der")).Content.ReadAsByteArrayAsync();
        using (var ok = await DelegatedAsync(orderId, email, pin))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(expected, await ok.Content.ReadAsByteArrayAsync());
        }
        // The right PIN with another email is as wrong as a wrong PIN.
        var wrong = pin == "00000000" ? "00000001" : "00000000";
        await ProblemAsync(await DelegatedAsync(orderId, NewEmail("other"), pin), 403, "pin-refused");
        for (var i = 0; i < 4; i++)
        {
            var detail = await ProblemAsync(await DelegatedAsync(orderId, email, wrong), 403, "pin-refused");
            Assert.Contains($"{3 - i} attempts left", detail);
        }
        // Locked: even the right PIN no longer works, until the owner names the delegate again.
        await ProblemAsync(await DelegatedAsync(orderId, email, pin), 423, "delegation-locked");
        await ProblemAsync(await DelegatedAsync(orderId, email, wrong), 423, "delegation-locked");
        Assert.Equal($"delegate:{email}", (await AuditAsync(server, "order.delegate-download-locked", $"order:{orderId}")).GetProperty("actor").GetString());

        await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{orderId}/delegation", new { name = "Dee Legate", email }), 200);
        var second = await PinAsync(email, 2);
        using (var again = await DelegatedAsync(orderId, email, second)) Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        // Bad input and unknown orders: the same refusals, no information about which orders have delegates.
        await ProblemAsync(await DelegatedAsync("ord_unknown", email, second), 403, "pin-refused");
        await ProblemAsync(await DelegatedAsync(orderId, email, "12ab"), 400, "malformed-input");
        await ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/orders/{orderId}/delegation", new { name = "X", email = "not an email" }), 400, "malformed-input");
        await ProblemAsync(await admin.PostAsJsonAsync($"/api/v1/orders/ord_unknown/delegation", new { name = "X", email }), 404, "not-found");
    }

    private async Task<string> PinAsync(string email, int nth)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var pins = server.Mail.Messages().Where(m => m.To.Mailboxes.Any(b => b.Address == email))
                .Select(m => Regex.Match(m.TextBody ?? "", @"PIN is (\d{8})")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            if (pins.Count >= nth) return pins[nth - 1];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no PIN mail #{nth} to {email}");
            await Task.Delay(50);
        }
    }

    private Task<HttpResponseMessage> DelegatedAsync(string orderId, string email, string pin) =>
        server.Anonymous.PostAsJsonAsync("/api/v1/delegated-downloads", new { orderId, email, pin, format = "der" });

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string path, string? name, byte[] content, string? contentType)
    {
        var url = name is null ? path : $"{path}?name={Uri.EscapeDataString(name)}";
        var body = new ByteArrayContent(content);
        if (contentType is not null) body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync(url, body);
    }

    private async Task<(string Account, HttpClient Admin, string OrderId)> FulfilledOrderAsync()
    {
        var (account, adminUser) = await server.CreateAccountAsync("enterprise");
        await CreditAsync(server, account, 10_000);
        var admin = server.KeyClient(await server.NewKeyAsync(account, adminUser));
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("kyc"), "ec:P-256", "/CN=kyc.example.com", "DNS:kyc.example.com"));
        var order = await Json(await PlaceAsync(admin, new { productId = "prd_mtls", csr }) /* a private product: this server runs no DNS for domain validation */, 201);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        return (account, admin, order.GetProperty("id").GetString()!);
    }
}
