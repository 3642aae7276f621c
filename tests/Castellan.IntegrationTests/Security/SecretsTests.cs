using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.IntegrationTests.Security;

/// <summary>
/// Secrets never leak: not into logs (captured at Trace), not into any API response but the one PKCS#12 answer;
/// keys rest encrypted with owner-only permissions; API keys are stored hashed; every privileged action is audited
/// with its actor.
/// </summary>
public sealed class SecretsTests(SecretsFixture f) : IClassFixture<SecretsFixture>
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private IEnumerable<(string What, string Secret)> Secrets()
    {
        yield return ("the administrator API key", CastellanServer.AdminKey);
        yield return ("a rejected API key", SecretsFixture.WrongApiKey);
        yield return ("the key-encryption secret", f.KeystoreSecret);
        yield return ("the generated PKCS#12 password", f.GeneratedPkcs12Password);
        yield return ("the supplied PKCS#12 password", SecretsFixture.SuppliedPkcs12Password);
        yield return ("the PKCS#12", f.Pkcs12Base64[..64]);
        yield return ("the PKCS#12 (tail)", f.Pkcs12Base64[^64..]);
        foreach (var form in f.PrivateKeyForms) yield return ("the generated private key", form);
        yield return ("a PEM private key", "PRIVATE KEY-----");
    }

    [Fact]
    public void Logs_were_captured_at_every_level()
    {
        var lines = f.Server.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.StartsWith("Debug ", StringComparison.Ordinal) || l.StartsWith("Trace ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("/api/v1/certificates", StringComparison.Ordinal)); // request logging reached the provider
        Assert.True(lines.Count > 200, $"only {lines.Count} log lines captured");
    }

    [Fact]
    public void No_secret_appears_in_any_log_line()
    {
        var log = string.Join("\n", f.Server.Logs.Lines);
        foreach (var (what, secret) in Secrets())
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"{what} appears in the logs");
    }

    [Fact]
    public void No_secret_appears_in_any_response_but_the_one_pkcs12()
    {
        var exchanges = f.Exchanges.ToList();
        Assert.True(exchanges.Count > 20, $"only {exchanges.Count} responses recorded");
        foreach (var e in exchanges.Where(e => !ReferenceEquals(e, f.Pkcs12Response)))
        {
            foreach (var (what, secret) in Secrets())
                Assert.False(e.Body.Contains(secret, StringComparison.Ordinal), $"{what} appears in the response to {e.Method} {e.Path}");
        }
        // The one exception carries the PKCS#12 and its generated password, and still no plaintext key.
        Assert.Contains(f.Pkcs12Base64, f.Pkcs12Response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", f.Pkcs12Response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(f.PrivateKeyForms[0], f.Pkcs12Response.Body, StringComparison.Ordinal);
        // A password the caller chose is never echoed back.
        Assert.Contains("\"pkcs12\"", f.SuppliedPasswordPkcs12Response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretsFixture.SuppliedPkcs12Password, f.SuppliedPasswordPkcs12Response.Body, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are the Unix permission bits
    public async Task Software_keys_are_encrypted_pkcs8_files_readable_only_by_the_owner()
    {
        var keys = Path.Combine(f.Server.DataDirectory, "keys");
        var files = Directory.GetFiles(keys);
        Assert.True(files.Length >= 8, $"expected the CA and OCSP responder keys, found {files.Length} files"); // 4 CAs x (CA + responder)
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(f.Server.DataDirectory));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(f.Server.DataDirectory, "keystore.secret")));
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", text, StringComparison.Ordinal);
            Assert.Single(Tools.SplitPem(text));
            Assert.True(OwnerReadWrite == File.GetUnixFileMode(file), $"{Path.GetFileName(file)} has mode {File.GetUnixFileMode(file)}");
        }

        // openssl agrees: PBES2 with AES-256, opens with the secret and not without it.
        var sample = files[0];
        var parsed = await Tools.OpenSslAsync("asn1parse", "-in", sample);
        Assert.Contains("PBES2", parsed.StdOut, StringComparison.Ordinal);
        Assert.Contains("aes-256-cbc", parsed.StdOut, StringComparison.Ordinal);
        var secretFile = Path.Combine(f.Server.DataDirectory, "keystore.secret");
        var opened = await Tools.OpenSslAsync("pkey", "-in", sample, "-passin", $"file:{secretFile}", "-noout");
        Assert.True(opened.ExitCode == 0, opened.All);
        var refused = await Tools.OpenSslAsync("pkey", "-in", sample, "-passin", "pass:not-the-secret-at-all", "-noout");
        Assert.NotEqual(0, refused.ExitCode);
    }

    [Fact]
    public async Task Api_keys_are_stored_only_as_sha256_hashes()
    {
        var factory = f.Server.Services.GetRequiredService<IDbContextFactory<CastellanDb>>();
        await using var db = await factory.CreateDbContextAsync();
        var rows = await db.ApiKeys.AsNoTracking().ToListAsync();
        var row = Assert.Single(rows);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CastellanServer.AdminKey))), row.Hash);
        foreach (var value in new[] { row.Id, row.Name, row.Hash, row.Role })
            Assert.DoesNotContain(CastellanServer.AdminKey[5..], value, StringComparison.Ordinal);

        // Nowhere in the database files either (main file and write-ahead log), in any table.
        foreach (var file in Directory.GetFiles(f.Server.DataDirectory, "castellan.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(CastellanServer.AdminKey[5..])) < 0, $"the API key is in {Path.GetFileName(file)}");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(f.KeystoreSecret)) < 0, $"the key-encryption secret is in {Path.GetFileName(file)}");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(f.GeneratedPkcs12Password)) < 0, $"the PKCS#12 password is in {Path.GetFileName(file)}");
        }
    }

    [Theory]
    [InlineData("key.generated", "ca:sec-sub")]
    [InlineData("key.generated", "ca:sec-sub-2")]
    [InlineData("ca.created", "ca:sec-sub")]
    [InlineData("ca.created", "ca:sec-ext")]
    [InlineData("key.generated", "ca:sec-ext")]
    [InlineData("ca.rotated", "ca:sec-sub")]
    [InlineData("crl.published", "ca:issuing-1")]
    [InlineData("profile.created", "profile:sec-profile")]
    public async Task Privileged_action_is_audited_with_the_actor(string action, string target)
    {
        var entries = await AuditAsync(action, target);
        Assert.True(entries.Any(e => e.GetProperty("actor").GetString() == f.Actor), $"no {action} on {target} by {f.Actor}: {string.Join(", ", entries.Select(e => e.GetProperty("actor").GetString()))}");
    }

    [Fact]
    public async Task Issuance_revocation_hold_and_release_are_audited_with_the_actor()
    {
        Assert.Equal(f.Actor, Assert.Single(await AuditAsync("certificate.issued", $"certificate:{f.IssuedSerial}")).GetProperty("actor").GetString());
        Assert.Equal(f.Actor, Assert.Single(await AuditAsync("certificate.revoked", $"certificate:{f.IssuedSerial}")).GetProperty("actor").GetString());
        Assert.Equal(f.Actor, Assert.Single(await AuditAsync("certificate.held", $"certificate:{f.GeneratedKeySerial}")).GetProperty("actor").GetString());
        Assert.Equal(f.Actor, Assert.Single(await AuditAsync("certificate.released", $"certificate:{f.GeneratedKeySerial}")).GetProperty("actor").GetString());
        var keygen = Assert.Single(await AuditAsync("key.generated", $"certificate:{f.GeneratedKeySerial}"));
        Assert.Equal(f.Actor, keygen.GetProperty("actor").GetString());
        Assert.Contains("ec-p256", keygen.GetProperty("detailsJson").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_ca_key_in_custody_has_a_key_generated_entry()
    {
        // Each CA has its own key and a delegated OCSP responder key: both are key generations.
        var generated = await AuditAsync("key.generated", null);
        foreach (var ca in new[] { "root", "issuing-1", "sec-sub", "sec-sub-2" })
            Assert.True(generated.Count(e => e.GetProperty("target").GetString() == $"ca:{ca}") >= 2, $"CA {ca}: wanted a CA key and an OCSP responder key entry");
        Assert.Equal(Directory.GetFiles(Path.Combine(f.Server.DataDirectory, "keys")).Length,
            generated.Count(e => e.GetProperty("target").GetString()!.StartsWith("ca:", StringComparison.Ordinal)));
    }

    private async Task<List<JsonElement>> AuditAsync(string action, string? target)
    {
        var query = $"/api/v1/audit?pageSize=500&action={Uri.EscapeDataString(action)}" + (target is null ? "" : $"&target={Uri.EscapeDataString(target)}");
        var json = await f.Server.Client.GetStringAsync(query);
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
