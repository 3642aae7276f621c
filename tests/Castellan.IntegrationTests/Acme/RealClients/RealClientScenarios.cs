using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Acme.RealClients;

/// <summary>
/// What issue 4 asks real clients to do, written once and run against any <see cref="AcmeTarget"/>: certbot and lego
/// obtain, renew and revoke; dns-01 wildcards; tls-alpn-01; EAB; CAA. Every certificate is checked with openssl against
/// the target's root, and for the ordered names.
/// </summary>
public static class RealClientScenarios
{
    public static async Task Certbot_http01_obtains_renews_and_revokes(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        var certbot = new Certbot(target.Endpoint);
        var name = AcmeTarget.NewName("cb");

        var first = await certbot.CertonlyAsync("site", [name], AcmeChallenge.Http01, eab);
        await AssertIssuedAsync(target, first, name);
        var firstSerial = await CertificateChecks.SerialAsync(first.LeafFile);

        var renewed = await certbot.RenewAsync("site");
        await AssertIssuedAsync(target, renewed, name);
        var renewedSerial = await CertificateChecks.SerialAsync(renewed.LeafFile);
        Assert.NotEqual(firstSerial, renewedSerial);

        var revoked = await certbot.RevokeAsync("site");
        Assert.True(revoked.ExitCode == 0, $"wanted certbot revoke to succeed against {target.Name}, got {revoked.ExitCode}:\n{revoked.Output}");
        Assert.Equal("revoked", await target.StatusAsync(renewedSerial));
        Assert.Equal("valid", await target.StatusAsync(firstSerial));
    }

    public static async Task Certbot_dns01_through_rfc2136_obtains_a_wildcard(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        var certbot = new Certbot(target.Endpoint);
        var baseName = AcmeTarget.NewName("cw");

        var run = await certbot.CertonlyAsync("wild", ["*." + baseName, baseName], AcmeChallenge.Dns01, eab);
        await AssertIssuedAsync(target, run, "*." + baseName, baseName);
    }

    public static async Task Lego_http01_obtains_renews_and_revokes(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        var lego = new Lego(target.Endpoint);
        string[] names = [AcmeTarget.NewName("lg")];

        var first = await lego.RunAsync(names, AcmeChallenge.Http01, eab);
        await AssertIssuedAsync(target, first, names);
        var firstSerial = await CertificateChecks.SerialAsync(first.LeafFile);

        var renewed = await lego.RenewAsync(names, AcmeChallenge.Http01, eab);
        await AssertIssuedAsync(target, renewed, names);
        var renewedSerial = await CertificateChecks.SerialAsync(renewed.LeafFile);
        Assert.NotEqual(firstSerial, renewedSerial);

        var revoked = await lego.RevokeAsync(names, eab);
        Assert.True(revoked.ExitCode == 0, $"wanted lego revoke to succeed against {target.Name}, got {revoked.ExitCode}:\n{revoked.Output}");
        Assert.Equal("revoked", await target.StatusAsync(renewedSerial));
    }

    public static async Task Lego_tls_alpn01_obtains(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        string[] names = [AcmeTarget.NewName("la")];
        await AssertIssuedAsync(target, await new Lego(target.Endpoint).RunAsync(names, AcmeChallenge.TlsAlpn01, eab), names);
    }

    public static async Task Lego_dns01_through_rfc2136_obtains_a_wildcard(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        var baseName = AcmeTarget.NewName("lw");
        string[] names = ["*." + baseName, baseName];
        await AssertIssuedAsync(target, await new Lego(target.Endpoint).RunAsync(names, AcmeChallenge.Dns01, eab), names);
    }

    /// <summary>
    /// RFC 8555 §7.1.1/§7.3.4: a directory that requires EAB says so in meta.externalAccountRequired, and lego then
    /// refuses to register without --eab ("Server requires External Account Binding"); a client that ignored the meta
    /// would get the server's externalAccountRequired error. Either way no account and no certificate. (The server's own
    /// refusal of a JWS without EAB is a bad-input test with the test's own client, not a real-client one.)
    /// </summary>
    public static async Task Registration_without_EAB_is_refused(AcmeTarget target)
    {
        var run = await new Lego(target.Endpoint).RunAsync([AcmeTarget.NewName("ne")], AcmeChallenge.Http01);
        Assert.NotEqual(0, run.ExitCode);
        Assert.True(run.Output.Contains("externalAccountRequired", StringComparison.Ordinal) || run.Output.Contains("requires External Account Binding", StringComparison.Ordinal),
            $"wanted {target.Name} to require external account binding, got:\n{run.Output}");
        Assert.False(File.Exists(run.LeafFile), "no certificate may be issued without EAB");

        // The server's own refusal, which lego never lets us see: a correct newAccount JWS without externalAccountBinding.
        using var own = await BadInput.AcmeSession.OpenAsync(target.Endpoint.DirectoryUrl, target.Endpoint.TlsCaFile);
        var newAccount = own.Url("newAccount");
        using (var refused = await own.PostAsync(newAccount, await own.Sign(newAccount, """{"termsOfServiceAgreed":true}""", useJwk: true)))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True((int)refused.StatusCode is >= 400 and < 500 && body.Contains("urn:ietf:params:acme:error:externalAccountRequired", StringComparison.Ordinal),
                $"wanted {target.Name} to answer externalAccountRequired, got {(int)refused.StatusCode} {body}");
        }
        // RFC 8555 §7.3.1: and no account was created for the key.
        using var existing = await own.PostAsync(newAccount, await own.Sign(newAccount, """{"onlyReturnExisting":true}""", useJwk: true));
        Assert.Contains("urn:ietf:params:acme:error:accountDoesNotExist", await existing.Content.ReadAsStringAsync());
    }

    /// <summary>RFC 8659: "caa-other" names another CA (the check climbs from www.caa-other to it); "caa-ours" names this CA.</summary>
    public static async Task Caa_naming_another_ca_blocks_issuance_and_a_matching_one_allows_it(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        var blocked = await new Lego(target.Endpoint).RunAsync(["www.caa-other." + AcmeTarget.Zone], AcmeChallenge.Http01, eab);
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("urn:ietf:params:acme:error:caa", blocked.Output);
        Assert.False(File.Exists(blocked.LeafFile), "no certificate may be issued against CAA");

        string[] allowed = ["www.caa-ours." + AcmeTarget.Zone];
        await AssertIssuedAsync(target, await new Lego(target.Endpoint).RunAsync(allowed, AcmeChallenge.Http01, eab), allowed);
    }

    /// <summary>RFC 8657: records naming this CA with validationmethods or accounturi that this request does not fit
    /// block it with caa; a validationmethods list that holds the method used allows it.</summary>
    public static async Task Caa_parameters_restrict_the_method_and_the_account(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        foreach (var label in new[] { "caa-dns-only", "caa-account" })
        {
            var blocked = await new Lego(target.Endpoint).RunAsync([$"www.{label}." + AcmeTarget.Zone], AcmeChallenge.Http01, eab);
            Assert.NotEqual(0, blocked.ExitCode);
            Assert.Contains("urn:ietf:params:acme:error:caa", blocked.Output);
            Assert.False(File.Exists(blocked.LeafFile), $"no certificate may be issued against the CAA record of {label}");
        }

        string[] allowed = ["www.caa-http-only." + AcmeTarget.Zone];
        await AssertIssuedAsync(target, await new Lego(target.Endpoint).RunAsync(allowed, AcmeChallenge.Http01, eab), allowed);
    }

    /// <summary>RFC 8657 §4 on a reused authorization: lego's renewal finds the http-01 authorization still valid and skips
    /// the challenge; CAA validationmethods is checked against the reused proof's method (http-01), so a record listing
    /// http-01 allows the renewal and one listing only dns-01 refuses it with caa.</summary>
    public static async Task Caa_validationmethods_is_checked_against_the_method_of_a_reused_authorization(AcmeTarget target)
    {
        var eab = target.RequiresEab ? await target.NewEabAsync() : null;
        var lego = new Lego(target.Endpoint);
        var name = AcmeTarget.NewName("rv");
        // A name with its own records no longer matches the zone's wildcard A record, so it gets one of its own.
        await target.Dns.AddAsync(name, "A", "127.0.0.1");
        await target.Dns.AddAsync(name, "CAA", $"0 issue \"{CastellanAcmeApi.CaaIdentity}; validationmethods=dns-01,http-01\"");
        string[] names = [name];
        await AssertIssuedAsync(target, await lego.RunAsync(names, AcmeChallenge.Http01, eab), names);

        var renewed = await lego.RenewAsync(names, AcmeChallenge.Http01, eab);
        await AssertIssuedAsync(target, renewed, names);
        Assert.Contains("already valid", renewed.Output);

        await target.Dns.DeleteAsync(name, "CAA");
        await target.Dns.AddAsync(name, "CAA", $"0 issue \"{CastellanAcmeApi.CaaIdentity}; validationmethods=dns-01\"");
        await BindDnsServer.OutwaitTtlAsync();
        var refused = await lego.RenewAsync(names, AcmeChallenge.Http01, eab);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("already valid", refused.Output);
        Assert.Contains("urn:ietf:params:acme:error:caa", refused.Output);
        Assert.Contains("not http-01", refused.Output);
    }

    private static async Task AssertIssuedAsync(AcmeTarget target, AcmeClientRun run, params string[] names)
    {
        Assert.True(run.Succeeded, $"wanted a certificate from {target.Name}, the client exited {run.ExitCode}:\n{run.Output}");
        var verified = await CertificateChecks.VerifyAsync(target.RootFile, run.ChainFile, run.LeafFile);
        Assert.True(verified.ExitCode == 0 && verified.StdOut.TrimEnd().EndsWith(": OK", StringComparison.Ordinal),
            $"wanted openssl verify OK against {target.Name}'s root, got: {verified.All}");
        var sans = await CertificateChecks.SubjectAltNamesAsync(run.LeafFile);
        foreach (var name in names) Assert.Contains("DNS:" + name, sans);
    }
}
