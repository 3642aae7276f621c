using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Authority;

/// <summary>Operating the CA hierarchy through the API: intermediates, external roots, rotation, disabling.</summary>
public sealed class HierarchyTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Intermediate_with_name_constraints_issues_inside_and_refuses_outside()
    {
        using var created = await server.Client.PostAsJsonAsync("/api/v1/cas", new
        {
            id = "constrained", parent = "root", subject = "CN=Example Org Issuing CA,O=Example Org", keyAlgorithm = "ec-p256",
            validityDays = 365, pathLength = 0, permittedDnsNames = new[] { "example.org" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var inside = await server.IssueAsync("mtls", "/CN=api.example.org", "DNS:api.example.org", extra: new { issuer = "constrained" });
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", inside.Root, "-untrusted", inside.Issuer, inside.Leaf);
        Assert.True(verify.ExitCode == 0, verify.All);
        var text = await Tools.OpenSslAsync("x509", "-in", inside.Issuer, "-noout", "-text");
        Assert.Contains("Permitted:", text.StdOut);
        Assert.Contains("DNS:example.org", text.StdOut);
        Assert.Contains("pathlen:0", text.StdOut);

        var dir = TestPaths.NewDirectory("nc");
        var csr = await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=evil.example.com", "DNS:evil.example.com");
        using var outside = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "mtls", csr = File.ReadAllText(csr), issuer = "constrained" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        Assert.Contains("rfc5280.name-constraints", await outside.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("CN=Bad Country CA,C=USA", "country")]
    [InlineData("CN=Mail CA,E=ca@example.com", "not allowed")]
    [InlineData("O=Example", null)]
    public async Task Ca_subjects_are_checked_like_subscriber_subjects(string subject, string? problem)
    {
        var id = "subj-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await server.Client.PostAsJsonAsync("/api/v1/cas", new { id, parent = "root", subject, pathLength = 0 });
        if (problem is null)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return;
        }
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync());
        using var lookup = await server.Client.GetAsync($"/api/v1/cas/{id}");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Path_length_zero_ca_cannot_sign_another_ca()
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/cas", new { id = "too-deep", parent = "issuing-1", subject = "CN=Too Deep" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("path length", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Intermediate_signed_by_an_external_root_is_imported_and_issues()
    {
        using var created = await server.Client.PostAsJsonAsync("/api/v1/cas", new { id = "ext-issuing", external = true, subject = "CN=Externally Rooted CA,O=Example", pathLength = 0 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("awaiting-certificate", await created.Content.ReadAsStringAsync());

        var dir = TestPaths.NewDirectory("ext");
        var csrFile = Path.Combine(dir, "ca.csr");
        await File.WriteAllTextAsync(csrFile, await server.Client.GetStringAsync("/api/v1/cas/ext-issuing/csr"));
        var rootKey = Path.Combine(dir, "root.key");
        var rootCert = Path.Combine(dir, "root.pem");
        var ext = Path.Combine(dir, "ext.cnf");
        await File.WriteAllTextAsync(ext, "basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
        Assert.Equal(0, (await Tools.OpenSslAsync("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", rootKey,
            "-subj", "/CN=External Root", "-days", "3650", "-out", rootCert)).ExitCode);
        var signed = Path.Combine(dir, "ca.pem");
        var sign = await Tools.OpenSslAsync("x509", "-req", "-in", csrFile, "-CA", rootCert, "-CAkey", rootKey, "-CAcreateserial", "-days", "1000",
            "-extfile", ext, "-out", signed);
        Assert.True(sign.ExitCode == 0, sign.All);

        // Without the external root the import is refused; with it the CA becomes active.
        using var incomplete = await server.Client.PostAsJsonAsync("/api/v1/cas/ext-issuing/certificate", new { certificatePem = File.ReadAllText(signed) });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        using var imported = await server.Client.PostAsJsonAsync("/api/v1/cas/ext-issuing/certificate",
            new { certificatePem = File.ReadAllText(signed) + File.ReadAllText(rootCert) });
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        var leaf = await server.IssueAsync("tls-client", "/CN=ext-client", null, extra: new { issuer = "ext-issuing" });
        var chain = await server.Client.GetStringAsync("/api/v1/cas/ext-issuing/chain");
        Assert.Contains("BEGIN CERTIFICATE", chain);
        Assert.Equal(2, Tools.SplitPem(chain).Count);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", rootCert, "-untrusted", leaf.Issuer, leaf.Leaf);
        Assert.True(verify.ExitCode == 0, verify.All);
    }

    [Fact]
    public async Task Importing_a_certificate_for_another_key_is_refused()
    {
        using var created = await server.Client.PostAsJsonAsync("/api/v1/cas", new { id = "ext-wrong", external = true, subject = "CN=Wrong Key CA" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var someoneElse = await server.IssueAsync("tls-client", "/CN=not-a-ca", null);
        using var response = await server.Client.PostAsJsonAsync("/api/v1/cas/ext-wrong/certificate",
            new { certificatePem = File.ReadAllText(someoneElse.Leaf) + File.ReadAllText(someoneElse.Chain) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("public key", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rotated_ca_stops_issuing_but_keeps_publishing_revocation()
    {
        using var created = await server.Client.PostAsJsonAsync("/api/v1/cas", new { id = "rotating", parent = "root", subject = "CN=Rotating CA", pathLength = 0 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await server.IssueAsync("tls-client", "/CN=before-rotation", null, extra: new { issuer = "rotating" });

        using var rotated = await server.Client.PostAsJsonAsync("/api/v1/cas/rotating/rotate", new { newId = "rotating-2" });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var old = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/cas/rotating");
        Assert.Equal("retired", old.GetProperty("status").GetString());
        Assert.Equal("rotating-2", old.GetProperty("replacedBy").GetString());

        var dir = TestPaths.NewDirectory("rot");
        var csr = await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=after", null);
        using var refused = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "tls-client", csr = File.ReadAllText(csr), issuer = "rotating" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var after = await server.IssueAsync("tls-client", "/CN=after-rotation", null, extra: new { issuer = "rotating-2" });
        Assert.NotEqual(await File.ReadAllTextAsync(before.Issuer), await File.ReadAllTextAsync(after.Issuer));

        using var revoke = await server.Client.PostAsJsonAsync($"/api/v1/certificates/{before.Serial}/revoke", new { reason = "superseded" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var ocsp = await Tools.OpenSslAsync("ocsp", "-issuer", before.Issuer, "-cert", before.Leaf, "-url", $"{server.BaseUrl}/ocsp", "-CAfile", before.Chain, "-no_nonce");
        Assert.Contains($"{before.Leaf}: revoked", ocsp.StdOut);
        Assert.Contains("Response verify OK", ocsp.All);
        var crl = Path.Combine(dir, "old.crl");
        await File.WriteAllBytesAsync(crl, await server.Anonymous.GetByteArrayAsync("/crl/rotating.crl"));
        var crlText = await Tools.OpenSslAsync("crl", "-inform", "DER", "-in", crl, "-noout", "-text");
        Assert.Contains("Superseded", crlText.StdOut);
    }

    [Fact]
    public async Task Disabled_ca_issues_nothing()
    {
        using var created = await server.Client.PostAsJsonAsync("/api/v1/cas", new { id = "to-disable", parent = "root", subject = "CN=Short Lived CA", pathLength = 0 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var disabled = await server.Client.PostAsync("/api/v1/cas/to-disable/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        var dir = TestPaths.NewDirectory("dis");
        var csr = await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=x", null);
        using var refused = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "tls-client", csr = File.ReadAllText(csr), issuer = "to-disable" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("disabled", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Operator_profile_is_added_and_used()
    {
        using var added = await server.Client.PostAsJsonAsync("/api/v1/profiles", new
        {
            id = "iot-device", name = "IoT device", maxValidityDays = 730, keyUsage = "DigitalSignature",
            extendedKeyUsages = new[] { "1.3.6.1.5.5.7.3.2" }, allowedSanTypes = new[] { "Uri" }, requireSan = true,
            allowedSubjectAttributes = new[] { "CN", "O" }, allowedCurves = new[] { "P-256" }, allowRsa = false,
        });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var issued = await server.IssueAsync("iot-device", "/CN=sensor-7/O=Plant", "URI:urn:device:sensor-7");
        var text = await Tools.OpenSslAsync("x509", "-in", issued.Leaf, "-noout", "-text");
        Assert.Contains("URI:urn:device:sensor-7", text.StdOut);
        Assert.Contains("TLS Web Client Authentication", text.StdOut);

        var dir = TestPaths.NewDirectory("prof");
        var rsa = await Tools.NewCsrAsync(dir, "rsa:2048", "/CN=sensor-8", "URI:urn:device:sensor-8");
        using var refused = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "iot-device", csr = File.ReadAllText(rsa) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        using var tooLong = await server.Client.PostAsJsonAsync("/api/v1/profiles", new
        {
            id = "public-too-long", name = "x", trust = "PublicTls", maxValidityDays = 398, keyUsage = "DigitalSignature",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
    }
}

/// <summary>Ed25519 subscriber keys (RFC 8410) on the private profiles that allow them.</summary>
public sealed class Ed25519Tests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Ed25519_csr_is_verified_and_issued_on_mtls()
    {
        var issued = await server.IssueAsync("mtls", "/CN=edge.example.net", "DNS:edge.example.net", "ed25519");
        var text = await Tools.OpenSslAsync("x509", "-in", issued.Leaf, "-noout", "-text");
        Assert.Contains("ED25519", text.StdOut);
        Assert.Contains("DNS:edge.example.net", text.StdOut);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", issued.Root, "-untrusted", issued.Issuer, issued.Leaf);
        Assert.True(verify.ExitCode == 0, verify.All);
    }

    [Fact]
    public async Task Ed25519_is_refused_on_public_tls_and_bad_signature_is_caught()
    {
        var dir = TestPaths.NewDirectory("ed");
        var csr = await Tools.NewCsrAsync(dir, "ed25519", "/CN=www.example.com", "DNS:www.example.com");
        using var refused = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "tls-server", csr = File.ReadAllText(csr) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        var der = Path.Combine(dir, "req.der");
        await Tools.OpenSslAsync("req", "-in", csr, "-outform", "DER", "-out", der);
        var bytes = await File.ReadAllBytesAsync(der);
        bytes[^3] ^= 0x01; // inside the signature
        using var tampered = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "mtls", csr = Convert.ToBase64String(bytes) });
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Contains("signature", await tampered.Content.ReadAsStringAsync());
    }
}
