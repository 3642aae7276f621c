using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using Castellan.Registration.Contracts;
using OtpNet;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>Issue 3 items 6 and 12 over HTTP: mail over real SMTP, TOTP, client-certificate sign-in, IP restrictions.</summary>
public sealed class SignInSecurityTests(SecurityServer server) : IClassFixture<SecurityServer>
{
    [Fact]
    public async Task Activation_mail_arrives_over_smtp_and_following_its_link_activates_the_user()
    {
        var email = NewEmail("smtp");
        using (var signUp = await server.Anonymous.PostAsJsonAsync("/api/v1/signup",
                   new { kind = "retail", name = "Grace Hopper", email, acceptTerms = true })) await Json(signUp, 202);

        var mail = await server.Mail.WaitForAsync(email);
        Assert.Equal("ra@example.test", mail.From.Mailboxes.Single().Address);
        var link = SecurityServer.LinkIn(mail);
        Assert.NotNull(link);
        Assert.StartsWith(server.BaseUrl + "/activate?token=", link);
        Assert.Contains("/activate?token=", mail.HtmlBody);

        // Follow the link: its token is what the portal posts with the chosen password.
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["token"];
        using var activated = await server.ActivateAsync(token!);
        Assert.Equal("active", (await Json(activated, 200)).GetProperty("status").GetString());

        // Sent messages leave the pending outbox; the link works once.
        Assert.Empty(await server.Get<INotificationOutbox>().ListPendingAsync(email, 10, CancellationToken.None));
        using var again = await server.ActivateAsync(token!);
        await Json(again, 409);
    }

    [Fact]
    public async Task Totp_enrolment_verification_replay_recovery_codes_and_admin_reset()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(accountId, "standard-user");

        using var enrol = await member.Key.PostAsync("/api/v1/me/second-factor", null);
        var enrolment = await Json(enrol, 201);
        var secret = Base32Encoding.ToBytes(enrolment.GetProperty("secret").GetString());
        Assert.StartsWith("otpauth://totp/", enrolment.GetProperty("otpauthUri").GetString());
        var png = Convert.FromBase64String(enrolment.GetProperty("qrPng").GetString()!);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png[..4]);
        var totp = new Totp(secret);

        using (var wrongFirst = await member.Key.PostAsJsonAsync("/api/v1/me/second-factor/confirm", new { code = Wrong(totp) })) await Json(wrongFirst, 422);
        var code = totp.ComputeTotp(DateTime.UtcNow);
        using var confirm = await member.Key.PostAsJsonAsync("/api/v1/me/second-factor/confirm", new { code });
        var recovery = (await Json(confirm, 200)).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, recovery.Distinct().Count());

        // The secret is never shown again.
        using var reEnrol = await member.Key.PostAsync("/api/v1/me/second-factor", null);
        await Json(reEnrol, 409);

        Assert.False(await VerifyAsync(member.Key, Wrong(totp)));
        Assert.False(await VerifyAsync(member.Key, code));                  // replay of the code that confirmed
        Assert.True(await VerifyAsync(member.Key, recovery[0]));
        Assert.False(await VerifyAsync(member.Key, recovery[0]));           // a recovery code works once
        using (var status = await member.Key.GetAsync("/api/v1/me/second-factor"))
            Assert.Equal(9, (await Json(status, 200)).GetProperty("recoveryCodesLeft").GetInt32());

        // Enforcement per account shows in the member's status; the administrator's reset is audited.
        using (var enforce = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/security", new { secondFactorRequired = true })) await Json(enforce, 200);
        using (var status = await member.Key.GetAsync("/api/v1/me/second-factor"))
            Assert.True((await Json(status, 200)).GetProperty("required").GetBoolean());
        using (var reset = await server.Client.PostAsync($"/api/v1/accounts/{accountId}/users/{member.UserId}/second-factor/reset", null)) await Json(reset, 200);
        using (var status = await member.Key.GetAsync("/api/v1/me/second-factor"))
            Assert.False((await Json(status, 200)).GetProperty("enrolled").GetBoolean());
        var audit = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=second-factor.reset&target=user:{member.UserId}");
        Assert.Contains("second-factor.reset", audit.GetRawText());
    }

    [Fact]
    public async Task A_malformed_code_is_a_bad_request_and_a_user_without_a_factor_gets_a_conflict()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(accountId, "basic-user");
        using (var none = await member.Key.PostAsJsonAsync("/api/v1/me/second-factor/verify", new { code = "123456" })) await Json(none, 409);
        using (var enrol = await member.Key.PostAsync("/api/v1/me/second-factor", null)) await Json(enrol, 201);
        using (var junk = await member.Key.PostAsJsonAsync("/api/v1/me/second-factor/confirm", new { code = "12ab" })) await Json(junk, 400);
    }

    [Fact]
    public async Task A_registered_client_certificate_signs_in_over_https_instead_of_a_key()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(accountId, "administrator");
        using var certificate = ClientCertificate("CN=Alice Client");
        var pem = certificate.ExportCertificatePem();

        using (var withKey = await member.Key.PostAsJsonAsync($"/api/v1/accounts/{accountId}/client-certificates",
                   new { pem = pem + "\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" })) await Json(withKey, 400);
        using (var junk = await member.Key.PostAsJsonAsync($"/api/v1/accounts/{accountId}/client-certificates", new { pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }))
            await Json(junk, 400);
        using var registered = await member.Key.PostAsJsonAsync($"/api/v1/accounts/{accountId}/client-certificates", new { pem });
        var record = await Json(registered, 201);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), record.GetProperty("fingerprint").GetString());

        using (var https = server.HttpsClient(certificate))
        using (var response = await https.GetAsync($"/api/v1/accounts/{accountId}"))
            Assert.Equal(accountId, (await Json(response, 200)).GetProperty("id").GetString());

        using var stranger = ClientCertificate("CN=Mallory");
        using (var https = server.HttpsClient(stranger))
        using (var response = await https.GetAsync($"/api/v1/accounts/{accountId}")) await Json(response, 401);
        using (var https = server.HttpsClient(null))
        using (var response = await https.GetAsync($"/api/v1/accounts/{accountId}")) await Json(response, 401);

        using (var removed = await member.Key.DeleteAsync($"/api/v1/client-certificates/{record.GetProperty("id").GetString()}")) Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using (var https = server.HttpsClient(certificate))
        using (var response = await https.GetAsync($"/api/v1/accounts/{accountId}")) await Json(response, 401);
    }

    [Fact]
    public async Task Outside_the_allowed_networks_requests_are_refused_even_with_a_spoofed_forwarded_header()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(accountId, "administrator");
        using (var ok = await member.Key.GetAsync($"/api/v1/accounts/{accountId}")) await Json(ok, 200);

        using (var bad = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/security", new { allowedNetworks = new[] { "203.0.113.0/24", "203.0.113.1/24" } }))
            Assert.Contains("allowedNetworks[1]", (await Json(bad, 400)).GetProperty("detail").GetString());
        using (var set = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/security", new { allowedNetworks = new[] { "203.0.113.0/24" } })) await Json(set, 200);

        using (var direct = await member.Key.GetAsync($"/api/v1/accounts/{accountId}"))
            Assert.Equal("urn:castellan:problem:address-not-allowed", (await Json(direct, 403)).GetProperty("type").GetString());
        // Loopback is not a trusted proxy on this server: its X-Forwarded-For is ignored.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accounts/{accountId}");
        spoofed.Headers.Add("X-Forwarded-For", "203.0.113.5");
        using (var response = await member.Key.SendAsync(spoofed)) await Json(response, 403);

        var audit = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=access.address-refused&target=user:{member.UserId}");
        Assert.Contains("127.0.0.1", audit.GetRawText());
    }

    [Fact]
    public async Task An_account_template_with_a_bad_placeholder_is_refused_and_a_good_one_is_what_arrives()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        using (var bad = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/notification-templates/invitation",
                   new { subject = "Join {{accountName}}", text = "Hi {{nmae}}, {{activationLink}}" }))
            Assert.Contains("{{nmae}}", (await Json(bad, 400)).GetProperty("detail").GetString());
        using (var noLink = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/notification-templates/invitation",
                   new { subject = "Join {{accountName}}", text = "Hi {{name}}" })) await Json(noLink, 400);
        using (var unknown = await server.Client.GetAsync($"/api/v1/accounts/{accountId}/notification-templates/no-such-event")) await Json(unknown, 400);
        using (var good = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/notification-templates/invitation",
                   new { subject = "Join {{accountName}} now", text = "Hi {{name}}, welcome aboard: {{activationLink}}", html = "<p>Hi {{name}}: <a href=\"{{activationLink}}\">join</a></p>" })) await Json(good, 200);
        using (var read = await server.Client.GetAsync($"/api/v1/accounts/{accountId}/notification-templates/invitation"))
            Assert.True((await Json(read, 200)).GetProperty("custom").GetBoolean());

        var invited = await server.AddMemberAsync(accountId, "basic-user");
        var mail = await server.Mail.WaitForAsync(invited.Email);
        Assert.StartsWith("Join ", mail.Subject);
        Assert.EndsWith(" now", mail.Subject);
        Assert.Contains("welcome aboard", mail.TextBody);
        Assert.Contains("<a href=\"http", mail.HtmlBody);
        using var ok = await invited.Key.GetAsync($"/api/v1/accounts/{accountId}");
        await Json(ok, 200);
    }

    [Fact]
    public async Task An_order_needing_approval_mails_the_placer_and_the_approvers()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var approver = await server.AddMemberAsync(accountId, "administrator");
        var placer = await server.AddMemberAsync(accountId, "basic-user");
        using (var credit = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{accountId}/credits")
               { Content = JsonContent.Create(new { amountMinor = 1_000_000, currency = "USD", paymentReference = "mail test" }) })
        {
            credit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await server.Client.SendAsync(credit);
            await Json(response, 201);
        }
        using var place = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { accountId, productId = "prd_tls_server" }) };
        place.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var placed = await placer.Key.SendAsync(place);
        var orderId = (await Json(placed, 201)).GetProperty("id").GetString()!;

        var confirmation = await server.Mail.WaitForAsync(placer.Email, m => (m.Subject ?? "").Contains(orderId, StringComparison.Ordinal));
        Assert.Contains("/orders/", confirmation.TextBody);
        var request = await server.Mail.WaitForAsync(approver.Email, m => (m.Subject ?? "").Contains("approval", StringComparison.Ordinal));
        Assert.Contains(orderId, request.TextBody);

        using (var rejected = await approver.Key.PostAsJsonAsync($"/api/v1/orders/{orderId}/reject", new { reason = "wrong domain" })) await Json(rejected, 200);
        var rejection = await server.Mail.WaitForAsync(placer.Email, m => (m.Subject ?? "").Contains("rejected", StringComparison.Ordinal));
        Assert.Contains("wrong domain", rejection.TextBody);
    }

    [Fact]
    public async Task Revoking_an_orders_certificate_mails_the_placer_with_the_reason()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var admin = await server.AddMemberAsync(accountId, "administrator");
        using (var credit = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{accountId}/credits")
               { Content = JsonContent.Create(new { amountMinor = 1_000_000, currency = "USD", paymentReference = "revocation mail" }) })
        {
            credit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await server.Client.SendAsync(credit);
            await Json(response, 201);
        }
        // A private product: this server runs no DNS, and the revocation mail does not depend on the product.
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("revmail"), "ec:P-256", "/CN=revmail.example.com", "DNS:revmail.example.com"));
        using var place = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { accountId, productId = "prd_mtls", csr }) };
        place.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var placed = await admin.Key.SendAsync(place);
        var order = await Json(placed, 201);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        var orderId = order.GetProperty("id").GetString()!;
        Assert.DoesNotContain(server.Mail.Messages(), m => (m.Subject ?? "").Contains("revoked", StringComparison.Ordinal) && m.To.Mailboxes.Any(b => b.Address == admin.Email));

        using (var revoked = await admin.Key.PostAsJsonAsync($"/api/v1/orders/{orderId}/revoke", new { reason = "keyCompromise", remarks = "laptop stolen" })) await Json(revoked, 200);
        var mail = await server.Mail.WaitForAsync(admin.Email, m => (m.Subject ?? "").Contains("revoked", StringComparison.Ordinal));
        Assert.Contains(orderId, mail.TextBody);
        Assert.Contains("KeyCompromise", mail.TextBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_renewal_reminder_is_recorded_once_per_certificate_and_interval()
    {
        var store = server.Get<INotificationSettingsStore>();
        var serial = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Assert.True(await store.RecordReminderAsync(serial, 7, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.False(await store.RecordReminderAsync(serial, 7, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.True(await store.RecordReminderAsync(serial, 1, DateTimeOffset.UtcNow, CancellationToken.None));
    }

    private static async Task<bool> VerifyAsync(HttpClient client, string code)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/me/second-factor/verify", new { code });
        return (await Json(response, 200)).GetProperty("valid").GetBoolean();
    }

    /// <summary>A 6-digit code valid in no step of the ±1 window.</summary>
    private static string Wrong(Totp totp)
    {
        var now = DateTime.UtcNow;
        var valid = new[] { -30, 0, 30 }.Select(s => totp.ComputeTotp(now.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{i}{i}{i}{i}{i}{i}").First(c => !valid.Contains(c));
    }

    private static X509Certificate2 ClientCertificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}

/// <summary>On a server that trusts loopback as its proxy, X-Forwarded-For decides, for the account's and the user's ranges.</summary>
public sealed class NetworkRestrictionViaProxyTests(RegistrationServer server) : IClassFixture<RegistrationServer>
{
    private static HttpRequestMessage From(string address, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", address);
        return request;
    }

    [Fact]
    public async Task The_forwarded_address_from_a_trusted_proxy_is_checked_against_account_and_user_ranges()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(accountId, "administrator");
        using (var set = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/security", new { allowedNetworks = new[] { "203.0.113.0/24", "2001:db8::/32" } })) await Json(set, 200);
        var path = $"/api/v1/accounts/{accountId}";

        using (var inside = await member.Key.SendAsync(From("203.0.113.5", path))) await Json(inside, 200);
        using (var v6 = await member.Key.SendAsync(From("2001:db8::7", path))) await Json(v6, 200);
        using (var outside = await member.Key.SendAsync(From("198.51.100.1", path))) await Json(outside, 403);

        // A user range narrows further: both lists must allow the address.
        using (var bad = await server.Client.PutAsJsonAsync($"{path}/users/{member.UserId}/allowed-networks", new { allowedNetworks = new[] { "nonsense" } }))
            Assert.Contains("allowedNetworks[0]", (await Json(bad, 400)).GetProperty("detail").GetString());
        using (var set = await server.Client.PutAsJsonAsync($"{path}/users/{member.UserId}/allowed-networks", new { allowedNetworks = new[] { "203.0.113.128/25" } })) await Json(set, 200);
        using (var lowHalf = await member.Key.SendAsync(From("203.0.113.5", path))) await Json(lowHalf, 403);
        using (var highHalf = await member.Key.SendAsync(From("203.0.113.200", path))) await Json(highHalf, 200);

        // Another member of the account is held only to the account's ranges.
        var other = await server.AddMemberAsync(accountId, "basic-user");
        using (var ok = await other.Key.SendAsync(From("203.0.113.5", $"/api/v1/me/second-factor"))) await Json(ok, 200);
    }
}

/// <summary>SMTP down, then up: the message is retried with backoff and delivered later, exactly once.</summary>
public sealed class MailServerDownTests(MailDownServer server) : IClassFixture<MailDownServer>
{
    [Fact]
    public async Task A_message_queued_while_the_mail_server_is_down_is_delivered_once_when_it_comes_up()
    {
        var email = NewEmail("down");
        using (var signUp = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", new { kind = "retail", name = "Down Time", email, acceptTerms = true })) await Json(signUp, 202);

        var outbox = server.Get<INotificationOutbox>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        OutgoingMessage? pending = null;
        while (DateTime.UtcNow < deadline)
        {
            pending = (await outbox.ListPendingAsync(email, 10, CancellationToken.None)).SingleOrDefault();
            if (pending is { Attempts: >= 2 }) break;
            await Task.Delay(100);
        }
        Assert.True(pending is { Attempts: >= 2 }, $"wanted at least two failed attempts, got {pending?.Attempts}");

        await server.BringMailUpAsync();
        var mail = await server.Mail.WaitForAsync(email);
        Assert.Equal($"{pending!.Id}@castellan", mail.MessageId);
        await Task.Delay(TimeSpan.FromSeconds(2)); // time for any duplicate to arrive
        Assert.Single(server.Mail.Messages(), m => m.To.Mailboxes.Any(b => b.Address == email));
        Assert.Empty(await outbox.ListPendingAsync(email, 10, CancellationToken.None));
    }
}
