using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.Cli.Tests.Support;
using Castellan.IntegrationTests.Support;

namespace Castellan.Cli.Tests;

/// <summary>
/// <c>castellan serve</c> as a real process, and <c>castellan ocsp check</c> (our BouncyCastle client) against it:
/// good, then revoked after a <c>castellan revoke</c> on the same data directory.
/// </summary>
public sealed class OcspAgainstServeTests(Installation install) : IClassFixture<Installation>
{
    [Fact]
    public async Task Ocsp_check_says_good_then_revoked_after_revoke()
    {
        await using var server = await ServeProcess.StartAsync(install.DataDirectory);
        // Local commands read the same configuration keys as the server, here from the environment: the AIA of this
        // certificate names the running server, so `ocsp check` needs no --url.
        var env = new Dictionary<string, string> { ["Castellan__Authority__PublicBaseUrl"] = server.BaseUrl };
        var csr = await install.NewCsrAsync("ocsp.example.com");
        var leaf = Path.Combine(install.Work, "ocsp-leaf.pem");
        var issued = await CastellanCli.RunAsync(["issue", "--profile", "tls-server", "--csr", csr, "--issuer", "issuing-1", "--out", leaf, "--data", install.DataDirectory], env);
        Assert.True(issued.ExitCode == 0, issued.All);
        var serial = Regex.Match(issued.StdOut, "issued ([0-9a-f]+) ").Groups[1].Value;
        var aia = await Tools.OpenSslAsync("x509", "-in", leaf, "-noout", "-ocsp_uri");
        Assert.Equal($"{server.BaseUrl}/ocsp", aia.StdOut.Trim());

        var good = await CastellanCli.RunAsync("ocsp", "check", "--cert", leaf, "--issuer", install.IssuingPem);
        Assert.True(good.ExitCode == 0, good.All);
        Assert.StartsWith("good", good.StdOut);
        Assert.Contains("signed by CN=Castellan Issuing CA 1 OCSP Responder", good.StdOut);

        await install.SucceedAsync("revoke", serial, "--reason", "superseded");

        var revoked = await CastellanCli.RunAsync("ocsp", "check", "--cert", leaf, "--issuer", install.IssuingPem, "--url", $"{server.BaseUrl}/ocsp");
        Assert.Equal(1, revoked.ExitCode);
        Assert.StartsWith("revoked at ", revoked.StdOut);
        Assert.Contains("reason superseded", revoked.StdOut);

        // openssl, an independent client, agrees with ours.
        var chain = Path.Combine(install.Work, "ocsp-chain.pem");
        await File.WriteAllTextAsync(chain, await File.ReadAllTextAsync(install.IssuingPem) + await File.ReadAllTextAsync(install.RootPem));
        var openssl = await Tools.OpenSslAsync("ocsp", "-issuer", install.IssuingPem, "-cert", leaf, "-url", $"{server.BaseUrl}/ocsp", "-CAfile", chain);
        Assert.Contains($"{leaf}: revoked", openssl.StdOut);

        // Nonce-less clients get the pre-signed answer: the server learns of the CLI's revocation through the change
        // feed (status_changes) and re-signs within a few poll intervals.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        Tools.Output cached;
        do
        {
            cached = await Tools.OpenSslAsync("ocsp", "-issuer", install.IssuingPem, "-cert", leaf, "-url", $"{server.BaseUrl}/ocsp", "-CAfile", chain, "-no_nonce");
            if (cached.StdOut.Contains($"{leaf}: revoked", StringComparison.Ordinal)) break;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Contains($"{leaf}: revoked", cached.StdOut);
    }

    [Fact]
    public async Task Ocsp_check_refuses_an_answer_for_the_wrong_issuer_and_an_unreachable_responder()
    {
        var (leaf, _) = await install.IssueAsync("wrong-issuer.example.com", "--issuer", "issuing-1");

        var wrongIssuer = await CastellanCli.RunAsync("ocsp", "check", "--cert", leaf, "--issuer", install.RootPem, "--url", "http://127.0.0.1:9/ocsp");
        Assert.Equal(1, wrongIssuer.ExitCode);
        Assert.Equal("castellan: error: the issuer file holds 'CN=Castellan Root CA, O=Castellan', but the certificate was issued by 'CN=Castellan Issuing CA 1, O=Castellan'",
            wrongIssuer.StdErr.TrimEnd());

        var port = FreePort.Next();
        var unreachable = await CastellanCli.RunAsync("ocsp", "check", "--cert", leaf, "--issuer", install.IssuingPem, "--url", $"http://127.0.0.1:{port}/ocsp");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith($"castellan: error: cannot reach the OCSP responder at http://127.0.0.1:{port}/ocsp", unreachable.StdErr);
        Assert.Single(unreachable.StdErr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Serve_passes_unknown_arguments_to_the_server_as_configuration()
    {
        var adminKey = Regex.Match(install.Init.StdOut, @"(?m)^\s+(cstl_\S+)$").Groups[1].Value;
        await using var server = await ServeProcess.StartAsync(install.DataDirectory, "--Castellan:Authority:PublicBaseUrl", "http://pki.example.net");
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);

        // The key `init` printed is the server's administrator key.
        using var cas = await http.GetAsync("/api/v1/cas");
        Assert.Equal(HttpStatusCode.OK, cas.StatusCode);

        var csr = await File.ReadAllTextAsync(await install.NewCsrAsync("rest.example.com"));
        using var issued = await http.PostAsJsonAsync("/api/v1/certificates", new { profile = "tls-server", csr, issuer = "issuing-1" });
        var json = await issued.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(issued.IsSuccessStatusCode, json.ToString());
        var leaf = Path.Combine(install.Work, "rest-leaf.pem");
        await File.WriteAllTextAsync(leaf, json.GetProperty("certificatePem").GetString());
        var aia = await Tools.OpenSslAsync("x509", "-in", leaf, "-noout", "-ocsp_uri");
        Assert.Equal("http://pki.example.net/ocsp", aia.StdOut.Trim());
    }
}
