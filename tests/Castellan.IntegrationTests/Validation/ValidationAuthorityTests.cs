using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Support;
using Castellan.Validation.Contracts;
using static Castellan.IntegrationTests.Validation.ValidationHarness;

namespace Castellan.IntegrationTests.Validation;

/// <summary>Two real BIND servers for the zone "test" (one honest, one that lies by missing records) and an SMTP sink.</summary>
public sealed class ValidationPeers : IAsyncLifetime
{
    public const string CaIdentity = "ca.castellan.test";

    public BindDnsServer Honest { get; private set; } = null!;
    public BindDnsServer Liar { get; private set; } = null!;
    public SmtpSink Smtp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string[] caa =
        [
            $"allowed IN CAA 0 issue \"{CaIdentity}\"",
            "denied IN CAA 0 issue \"other-ca.example\"",
            "parent IN CAA 0 issue \"other-ca.example\"",
            $"wild IN CAA 0 issue \"{CaIdentity}\"",
            "wild IN CAA 0 issuewild \"other-ca.example\"",
            $"crit IN CAA 0 issue \"{CaIdentity}\"",
            "crit IN CAA 128 tbs \"unknown\"",
            "contact IN CAA 0 contactemail \"caa-admin@contact.test\"",
            "_validation-contactemail.contact IN TXT \"txt-admin@contact.test\"",
        ];
        Honest = await BindDnsServer.StartAsync("test", caa);
        Liar = await BindDnsServer.StartAsync("test", caa);
        Smtp = await SmtpSink.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Honest.DisposeAsync();
        await Liar.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    public Dictionary<string, string?> Settings(int httpPort = 80, int tlsPort = 443) => new()
    {
        ["DnsResolvers:0"] = Honest.Endpoint,
        ["HttpChallengePort"] = httpPort.ToString(),
        ["TlsAlpnChallengePort"] = tlsPort.ToString(),
        ["CaaIdentities:0"] = CaIdentity,
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Port.ToString(),
        ["Smtp:From"] = "dcv@castellan.test",
    };
}

public sealed class ValidationAuthorityTests(ValidationPeers peers) : IClassFixture<ValidationPeers>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static string Digest(string keyAuthorization) => Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task Dns01_passes_with_the_right_TXT_and_fails_with_a_wrong_one()
    {
        await using var h = await StartAsync(peers.Settings());
        var name = Unique("dns") + ".test";
        var keyAuth = "tok." + Guid.NewGuid().ToString("N");
        await peers.Honest.AddAsync("_acme-challenge." + name, "TXT", $"\"{Digest("something else")}\"");
        var wrong = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Dns01, "tok", Digest(keyAuth), "acct_1"), default);
        Assert.Equal(ValidationFailureKind.IncorrectResponse, Assert.IsType<ValidationFailed>(wrong.Error).Kind);

        await peers.Honest.AddAsync("_acme-challenge." + name, "TXT", $"\"{Digest(keyAuth)}\"");
        var right = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Dns01, "tok", Digest(keyAuth), "acct_1"), default);
        Assert.False(right.IsError, right.Error?.Detail);
        Assert.Equal("primary", Assert.Single(right.Value.Observations).Perspective);

        // A wildcard is proven on its base name with the same record.
        var wildcard = await h.Va.ValidateAsync(new ValidationRequest(Dns("*." + name), ValidationMethod.Dns01, "tok", Digest(keyAuth), "acct_1"), default);
        Assert.False(wildcard.IsError, wildcard.Error?.Detail);
    }

    [Fact]
    public async Task DnsTxt_finds_the_random_value_at_validation_label()
    {
        await using var h = await StartAsync(peers.Settings());
        var name = Unique("txt") + ".test";
        var value = RandomValues.New();
        var before = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.DnsTxt, "t", value, "acct_1"), default);
        Assert.True(before.IsError);
        await peers.Honest.AddAsync("_validation." + name, "TXT", $"\"{value}\"");
        var after = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.DnsTxt, "t", value, "acct_1"), default);
        Assert.False(after.IsError, after.Error?.Detail);
    }

    [Fact]
    public async Task Http01_and_HttpFile_fetch_through_a_name_in_the_zone_and_follow_redirects_only_to_the_challenge_port()
    {
        await using var web = await HttpResponder.StartAsync();
        await using var h = await StartAsync(peers.Settings(httpPort: web.Port));
        var name = Unique("web") + ".test";
        web.Files["/.well-known/acme-challenge/tok1"] = "tok1.thumb\n";
        var http01 = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Http01, "tok1", "tok1.thumb", "acct_1"), default);
        Assert.False(http01.IsError, http01.Error?.Detail);
        Assert.Contains(name, http01.Value.Observations[0].Observation);

        var wrongBody = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Http01, "tok1", "tok1.other", "acct_1"), default);
        Assert.Equal(ValidationFailureKind.IncorrectResponse, Assert.IsType<ValidationFailed>(wrongBody.Error).Kind);

        var value = RandomValues.New();
        web.Files["/.well-known/pki-validation/file1.txt"] = $"some text\n{value}\n";
        var file = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.HttpFile, "file1", value, "acct_1"), default);
        Assert.False(file.IsError, file.Error?.Detail);
        var missing = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.HttpFile, "file2", value, "acct_1"), default);
        Assert.Contains("404", missing.Error!.Detail);

        // Redirect to the challenge port of another name in the zone: followed. To any other port: refused.
        web.Files["/moved"] = "tok2.thumb";
        web.Redirects["/.well-known/acme-challenge/tok2"] = $"http://other.{name}:{web.Port}/moved";
        var followed = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Http01, "tok2", "tok2.thumb", "acct_1"), default);
        Assert.False(followed.IsError, followed.Error?.Detail);
        web.Redirects["/.well-known/acme-challenge/tok3"] = $"http://{name}:{FreePort.Next()}/moved";
        var refused = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Http01, "tok3", "tok2.thumb", "acct_1"), default);
        Assert.Contains("not on the HTTP or HTTPS port", refused.Error!.Detail);
    }

    [Fact]
    public async Task TlsAlpn01_accepts_an_RFC_8737_certificate_and_refuses_a_wrong_digest_or_missing_alpn()
    {
        var name = Unique("alpn") + ".test";
        const string keyAuth = "tok.thumbprint";
        await using (var good = TlsAlpnResponder.Start(name, keyAuth))
        await using (var h = await StartAsync(peers.Settings(tlsPort: good.Port)))
        {
            var ok = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.TlsAlpn01, "tok", keyAuth, "acct_1"), default);
            Assert.False(ok.IsError, ok.Error?.Detail);
            var wrongName = await h.Va.ValidateAsync(new ValidationRequest(Dns("x" + name), ValidationMethod.TlsAlpn01, "tok", keyAuth, "acct_1"), default);
            Assert.Contains("subjectAltName", wrongName.Error!.Detail);
        }
        await using (var wrongDigest = TlsAlpnResponder.Start(name, "tok.other"))
        await using (var h = await StartAsync(peers.Settings(tlsPort: wrongDigest.Port)))
        {
            var bad = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.TlsAlpn01, "tok", keyAuth, "acct_1"), default);
            Assert.Contains("digest does not match", bad.Error!.Detail);
        }
        await using (var noAlpn = TlsAlpnResponder.Start(name, keyAuth, offerAcmeTls: false))
        await using (var h = await StartAsync(peers.Settings(tlsPort: noAlpn.Port)))
        {
            var bad = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.TlsAlpn01, "tok", keyAuth, "acct_1"), default);
            Assert.Equal(ValidationFailureKind.Tls, Assert.IsType<ValidationFailed>(bad.Error).Kind);
        }
    }

    /// <summary>RFC 8738 §6 over a real TLS handshake on loopback: SNI is the reverse-DNS name, the SAN the iPAddress.</summary>
    [Fact]
    public async Task TlsAlpn01_for_an_IP_address_sends_the_in_addr_arpa_SNI_and_needs_the_iPAddress_SAN()
    {
        const string keyAuth = "tok.thumbprint";
        var ip = new Identifier(IdentifierType.Ip, "127.0.0.1");
        await using (var good = TlsAlpnResponder.Start("127.0.0.1", keyAuth))
        await using (var h = await StartAsync(peers.Settings(tlsPort: good.Port)))
        {
            var ok = await h.Va.ValidateAsync(new ValidationRequest(ip, ValidationMethod.TlsAlpn01, "tok", keyAuth, "acct_1"), default);
            Assert.False(ok.IsError, ok.Error?.Detail);
            Assert.Equal(ValidationMethod.TlsAlpn01, ok.Value.Method);
            Assert.Contains("1.0.0.127.in-addr.arpa", good.ServerNames);
            Assert.DoesNotContain("127.0.0.1", good.ServerNames);
        }
        await using (var byName = TlsAlpnResponder.Start("1.0.0.127.in-addr.arpa", keyAuth))
        await using (var h = await StartAsync(peers.Settings(tlsPort: byName.Port)))
        {
            var bad = await h.Va.ValidateAsync(new ValidationRequest(ip, ValidationMethod.TlsAlpn01, "tok", keyAuth, "acct_1"), default);
            Assert.Contains("iPAddress 127.0.0.1", bad.Error!.Detail);
        }
    }

    [Fact]
    public async Task Caa_allows_our_issuer_forbids_another_climbs_to_the_parent_uses_issuewild_and_refuses_critical_unknown_tags()
    {
        await using var h = await StartAsync(peers.Settings());
        var allowed = await h.Va.CheckCaaAsync(Dns("allowed.test"), default);
        Assert.False(allowed.IsError, allowed.Error?.Detail);
        Assert.Equal("allowed.test", allowed.Value.RelevantDomain);

        var denied = await h.Va.CheckCaaAsync(Dns("denied.test"), default);
        Assert.Contains("other-ca.example", Assert.IsType<CaaForbids>(denied.Error).Detail);

        var child = await h.Va.CheckCaaAsync(Dns("www.parent.test"), default);
        Assert.Contains("parent.test CAA 0 issue \"other-ca.example\"", Assert.IsType<CaaForbids>(child.Error).Detail);

        Assert.False((await h.Va.CheckCaaAsync(Dns("wild.test"), default)).IsError);
        Assert.IsType<CaaForbids>((await h.Va.CheckCaaAsync(Dns("*.wild.test"), default)).Error);
        Assert.Contains("critical", Assert.IsType<CaaForbids>((await h.Va.CheckCaaAsync(Dns("crit.test"), default)).Error).Detail);

        var none = await h.Va.CheckCaaAsync(Dns(Unique("nocaa") + ".test"), default);
        Assert.False(none.IsError, none.Error?.Detail);
        Assert.Null(none.Value.RelevantDomain);
    }

    [Fact]
    public async Task Caa_lookup_failure_is_a_refusal_not_permission()
    {
        var settings = peers.Settings();
        settings["DnsResolvers:0"] = $"127.0.0.1:{FreePort.Next()}"; // nothing answers there
        settings["AttemptTimeout"] = "00:00:00.500";
        await using var h = await StartAsync(settings);
        var result = await h.Va.CheckCaaAsync(Dns("allowed.test"), default);
        Assert.Equal(ValidationFailureKind.Dns, Assert.IsType<ValidationFailed>(result.Error).Kind);
    }

    [Fact]
    public async Task Quorum_with_a_lying_perspective_fails_when_both_must_agree_and_passes_when_one_may_disagree()
    {
        var name = Unique("quorum") + ".test";
        var keyAuth = "tok." + Guid.NewGuid().ToString("N");
        await peers.Honest.AddAsync("_acme-challenge." + name, "TXT", $"\"{Digest(keyAuth)}\"");
        var settings = peers.Settings();
        settings["Perspectives:0:Name"] = "east";
        settings["Perspectives:0:DnsResolvers:0"] = peers.Honest.Endpoint;
        settings["Perspectives:1:Name"] = "west";
        settings["Perspectives:1:DnsResolvers:0"] = peers.Liar.Endpoint;
        settings["Quorum"] = "2";
        await using (var strict = await StartAsync(settings))
        {
            var failed = await strict.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Dns01, "tok", Digest(keyAuth), "acct_q"), default);
            Assert.Equal(ValidationFailureKind.Unauthorized, Assert.IsType<ValidationFailed>(failed.Error).Kind);
            Assert.Contains("west", failed.Error!.Detail);
            var recorded = Assert.Single(await strict.Evidence.ListAsync("acct_q", name, 10, default));
            Assert.False(recorded.Passed);
            Assert.Equal([("primary", true), ("east", true), ("west", false)], recorded.Observations.Select(o => (o.Perspective, o.Passed)));
        }
        settings["Quorum"] = "1";
        await using (var lenient = await StartAsync(settings))
        {
            var passed = await lenient.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Dns01, "tok", Digest(keyAuth), "acct_q"), default);
            Assert.False(passed.IsError, passed.Error?.Detail);
            Assert.False(passed.Value.Observations.Single(o => o.Perspective == "west").Passed);
        }
        // The primary itself lying can never be outvoted.
        settings["DnsResolvers:0"] = peers.Liar.Endpoint;
        settings["Perspectives:1:DnsResolvers:0"] = peers.Honest.Endpoint;
        await using (var liarPrimary = await StartAsync(settings))
        {
            var failed = await liarPrimary.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.Dns01, "tok", Digest(keyAuth), "acct_q"), default);
            Assert.Equal(ValidationFailureKind.IncorrectResponse, Assert.IsType<ValidationFailed>(failed.Error).Kind);
        }
    }

    [Fact]
    public async Task Constructed_email_arrives_and_its_value_completes_once_a_wrong_or_expired_value_fails()
    {
        await using var h = await StartAsync(peers.Settings());
        var name = Unique("mail") + ".test";
        var sent = await h.Email.SendAsync(Dns(name), ValidationMethod.ConstructedEmail, "acct_m", default);
        Assert.False(sent.IsError, sent.Error?.Detail);
        Assert.Equal(["admin", "administrator", "webmaster", "hostmaster", "postmaster"], sent.Value.Recipients.Select(r => r.Split('@')[0]));
        var value = ValueIn(await peers.Smtp.WaitForAsync("hostmaster@" + name));

        var wrong = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.ConstructedEmail, sent.Value.ChallengeId, RandomValues.New(), "acct_m"), default);
        Assert.True(wrong.IsError);
        var ok = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.ConstructedEmail, sent.Value.ChallengeId, value, "acct_m"), default);
        Assert.False(ok.IsError, ok.Error?.Detail);
        var again = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.ConstructedEmail, sent.Value.ChallengeId, value, "acct_m"), default);
        Assert.Contains("already used", again.Error!.Detail);

        // A second value, resent, then left for 24 hours: the old one was replaced and the new one has expired.
        var second = await h.Email.SendAsync(Dns(name), ValidationMethod.ConstructedEmail, "acct_m", default);
        var firstValue = ValueIn(await peers.Smtp.WaitForAsync("admin@" + name, m => m.TextBody?.Contains(value) == false));
        Assert.False((await h.Email.ResendAsync(second.Value.ChallengeId, default)).IsError);
        var resent = ValueIn(await peers.Smtp.WaitForAsync("admin@" + name, m => m.TextBody?.Contains(value) == false && !m.TextBody.Contains(firstValue)));
        var replaced = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.ConstructedEmail, second.Value.ChallengeId, firstValue, "acct_m"), default);
        Assert.True(replaced.IsError);
        h.Time.Advance(TimeSpan.FromHours(24));
        var expired = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.ConstructedEmail, second.Value.ChallengeId, resent, "acct_m"), default);
        Assert.Contains("expired", expired.Error!.Detail);
    }

    [Fact]
    public async Task Caa_and_txt_contact_emails_go_to_the_published_contacts()
    {
        await using var h = await StartAsync(peers.Settings());
        var caa = await h.Email.SendAsync(Dns("www.contact.test"), ValidationMethod.CaaContactEmail, "acct_c", default);
        Assert.Equal(["caa-admin@contact.test"], caa.Value.Recipients);
        await peers.Smtp.WaitForAsync("caa-admin@contact.test");
        var txt = await h.Email.SendAsync(Dns("contact.test"), ValidationMethod.TxtContactEmail, "acct_c", default);
        Assert.Equal(["txt-admin@contact.test"], txt.Value.Recipients);
        var value = ValueIn(await peers.Smtp.WaitForAsync("txt-admin@contact.test"));
        var ok = await h.Va.ValidateAsync(new ValidationRequest(Dns("contact.test"), ValidationMethod.TxtContactEmail, txt.Value.ChallengeId, value, "acct_c"), default);
        Assert.False(ok.IsError, ok.Error?.Detail);
        var none = await h.Email.SendAsync(Dns(Unique("nocontact") + ".test"), ValidationMethod.TxtContactEmail, "acct_c", default);
        Assert.Equal(ValidationFailureKind.Dns, Assert.IsType<ValidationFailed>(none.Error).Kind);
    }

    [Fact]
    public async Task Evidence_is_stored_and_reused_per_account_for_subdomains_only_by_dns_methods_and_not_after_the_window()
    {
        await using var web = await HttpResponder.StartAsync();
        await using var h = await StartAsync(peers.Settings(httpPort: web.Port));
        var dnsName = Unique("reuse") + ".test";
        var value = RandomValues.New();
        await peers.Honest.AddAsync("_validation." + dnsName, "TXT", $"\"{value}\"");
        var passed = await h.Va.ValidateAsync(new ValidationRequest(Dns(dnsName), ValidationMethod.DnsTxt, "t", value, "acct_r"), default);
        Assert.False(passed.IsError, passed.Error?.Detail);
        var stored = await h.Evidence.GetAsync(passed.Value.Id, default);
        Assert.Equal((ValidationMethod.DnsTxt, dnsName, true), (stored!.Method, stored.Name, stored.Passed));

        Assert.Equal(passed.Value.Id, (await h.Va.FindReusableAsync("acct_r", Dns(dnsName), default))?.Id);
        Assert.Equal(passed.Value.Id, (await h.Va.FindReusableAsync("acct_r", Dns("www." + dnsName), default))?.Id);
        Assert.Equal(passed.Value.Id, (await h.Va.FindReusableAsync("acct_r", Dns("*." + dnsName), default))?.Id);
        Assert.Null(await h.Va.FindReusableAsync("acct_other", Dns(dnsName), default));

        var webName = Unique("webreuse") + ".test";
        web.Files["/.well-known/acme-challenge/tokr"] = "tokr.thumb";
        var http = await h.Va.ValidateAsync(new ValidationRequest(Dns(webName), ValidationMethod.Http01, "tokr", "tokr.thumb", "acct_r"), default);
        Assert.False(http.IsError, http.Error?.Detail);
        Assert.NotNull(await h.Va.FindReusableAsync("acct_r", Dns(webName), default));
        Assert.Null(await h.Va.FindReusableAsync("acct_r", Dns("www." + webName), default));
        Assert.Null(await h.Va.FindReusableAsync("acct_r", Dns("*." + webName), default));

        var window = DomainValidationReuse.WindowAt(h.Time.GetUtcNow());
        h.Time.Advance(window - TimeSpan.FromMinutes(1));
        Assert.NotNull(await h.Va.FindReusableAsync("acct_r", Dns(dnsName), default));
        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await h.Va.FindReusableAsync("acct_r", Dns(dnsName), default));
    }

    [Fact]
    public async Task Evidence_collected_under_the_200_day_window_stops_being_reusable_when_the_100_day_window_starts()
    {
        await using var h = await StartAsync(peers.Settings());
        var name = Unique("shrink") + ".test";
        var value = RandomValues.New();
        await peers.Honest.AddAsync("_validation." + name, "TXT", $"\"{value}\"");
        h.Time.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var passed = await h.Va.ValidateAsync(new ValidationRequest(Dns(name), ValidationMethod.DnsTxt, "t", value, "acct_s"), default);
        Assert.Equal(new DateTimeOffset(2027, 7, 20, 0, 0, 0, TimeSpan.Zero), passed.Value.ReusableUntil.AddMilliseconds(-passed.Value.ReusableUntil.Millisecond));
        h.Time.SetUtcNow(new DateTimeOffset(2027, 4, 1, 0, 0, 0, TimeSpan.Zero)); // 90 days later: inside 100
        Assert.Equal(new DateTimeOffset(2027, 4, 11, 0, 0, 0, TimeSpan.Zero), (await h.Va.FindReusableAsync("acct_s", Dns(name), default))!.ReusableUntil);
        h.Time.SetUtcNow(new DateTimeOffset(2027, 4, 15, 0, 0, 0, TimeSpan.Zero)); // 104 days later: outside 100
        Assert.Null(await h.Va.FindReusableAsync("acct_s", Dns(name), default));
    }

    private static string ValueIn(MimeKit.MimeMessage message) =>
        Regex.Match(message.TextBody ?? "", @"^\s+([a-z2-7]{26})\s*$", RegexOptions.Multiline).Groups[1].Value is { Length: 26 } v ? v : throw new InvalidOperationException("no value in: " + message.TextBody);
}
