using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.IntegrationTests.BadInput;

/// <summary>What the bad-input corpus is built from: real CSRs and OCSP requests made with openssl, an issued and a
/// revoked certificate, a disabled CA and a CA waiting for an external signature.</summary>
public sealed record BadInputMaterials
{
    public required string ValidCsrPem { get; init; }
    public required byte[] ValidCsrDer { get; init; }
    public required string Rsa1024CsrPem { get; init; }
    public required string P192CsrPem { get; init; }
    public required string P224CsrPem { get; init; }
    public required string EmailSanCsrPem { get; init; }
    public required string InternalNameCsrPem { get; init; }
    public required string CertificatePem { get; init; }
    public required string IssuedSerial { get; init; }
    public required string RevokedSerial { get; init; }
    public required byte[] OcspRequestDer { get; init; }
    public required byte[] OcspTwoCertRequestDer { get; init; }
    public required string OtherCertificatePem { get; init; }

    public const string DisabledCa = "disabled-ca";
    public const string ExternalCa = "external-ca";
}

/// <summary>Everything a request could leave behind, read both through the API and straight from the database.</summary>
public sealed record StoredState(int ApiTotal, int CertificateRows, int RevokedRows, int AuditEntries, int KeyFiles, int Cas, int Profiles, int ApiKeys);

/// <summary>A server prepared for the corpus. The state that bad requests must not change is read by <see cref="SnapshotAsync"/>.</summary>
public sealed class BadInputFixture<TServer> : IAsyncLifetime where TServer : CastellanServer, new()
{
    public TServer Server { get; } = new();

    public BadInputMaterials Materials { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        var dir = TestPaths.NewDirectory("badinput");

        var valid = await Tools.NewCsrAsync(Dir(dir, "valid"), "ec:P-256", "/CN=www.example.com", "DNS:www.example.com");
        var rsa1024 = await Tools.NewCsrAsync(Dir(dir, "rsa1024"), "rsa:1024", "/CN=weak.example.com", "DNS:weak.example.com");
        var p192 = await Tools.NewCsrAsync(Dir(dir, "p192"), "ec:P-192", "/CN=p192.example.com", "DNS:p192.example.com");
        var p224 = await Tools.NewCsrAsync(Dir(dir, "p224"), "ec:P-224", "/CN=p224.example.com", "DNS:p224.example.com");
        var email = await Tools.NewCsrAsync(Dir(dir, "email"), "ec:P-256", "/CN=mail.example.com", "DNS:mail.example.com,email:someone@example.com");
        var internalName = await Tools.NewCsrAsync(Dir(dir, "internal"), "ec:P-256", "/CN=server.corp", "DNS:server.corp");
        var validPem = await File.ReadAllTextAsync(valid);

        var issued = await Server.IssueAsync("tls-server", "/CN=issued.example.com", "DNS:issued.example.com");
        var other = await Server.IssueAsync("tls-server", "/CN=other.example.com", "DNS:other.example.com");
        var revoked = await Server.IssueAsync("tls-server", "/CN=revoked.example.com", "DNS:revoked.example.com");
        using (var r = await Server.Client.PostAsJsonAsync($"/api/v1/certificates/{revoked.Serial}/revoke", new { reason = "superseded" }))
            r.EnsureSuccessStatusCode();

        using (var c = await Server.Client.PostAsJsonAsync("/api/v1/cas", new { id = BadInputMaterials.DisabledCa, subject = "CN=Disabled CA", parent = "root", pathLength = 0 }))
            c.EnsureSuccessStatusCode();
        using (var d = await Server.Client.PostAsync($"/api/v1/cas/{BadInputMaterials.DisabledCa}/disable", null))
            d.EnsureSuccessStatusCode();
        using (var e = await Server.Client.PostAsJsonAsync("/api/v1/cas", new { id = BadInputMaterials.ExternalCa, subject = "CN=External CA", external = true }))
            e.EnsureSuccessStatusCode();

        var ocspReq = Path.Combine(dir, "ocsp.req");
        var ocspTwo = Path.Combine(dir, "ocsp2.req");
        Check(await Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-no_nonce", "-reqout", ocspReq));
        Check(await Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-cert", other.Leaf, "-no_nonce", "-reqout", ocspTwo));

        Materials = new BadInputMaterials
        {
            ValidCsrPem = validPem,
            ValidCsrDer = Convert.FromBase64String(string.Concat(validPem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)))),
            Rsa1024CsrPem = await File.ReadAllTextAsync(rsa1024),
            P192CsrPem = await File.ReadAllTextAsync(p192),
            P224CsrPem = await File.ReadAllTextAsync(p224),
            EmailSanCsrPem = await File.ReadAllTextAsync(email),
            InternalNameCsrPem = await File.ReadAllTextAsync(internalName),
            CertificatePem = await File.ReadAllTextAsync(issued.Leaf),
            OtherCertificatePem = await File.ReadAllTextAsync(other.Leaf),
            IssuedSerial = issued.Serial,
            RevokedSerial = revoked.Serial,
            OcspRequestDer = await File.ReadAllBytesAsync(ocspReq),
            OcspTwoCertRequestDer = await File.ReadAllBytesAsync(ocspTwo),
        };
    }

    public Task DisposeAsync() => Server.DisposeAsync();

    /// <summary>Counts through the API and in the database. Audit entries written by the scheduler ("system") are left
    /// out: the hourly CRL refresh may run at any time and is not caused by a request.</summary>
    public async Task<StoredState> SnapshotAsync()
    {
        var page = await Server.Client.GetFromJsonAsync<JsonElement>("/api/v1/certificates?pageSize=1");
        var factory = Server.Services.GetRequiredService<IDbContextFactory<CastellanDb>>();
        await using var db = await factory.CreateDbContextAsync();
        return new StoredState(
            page.GetProperty("total").GetInt32(),
            await db.Certificates.CountAsync(),
            await db.Certificates.CountAsync(c => c.RevokedAt != null),
            await db.Audit.CountAsync(a => a.Actor != "system"),
            Directory.GetFiles(Path.Combine(Server.DataDirectory, "keys")).Length,
            await db.Cas.CountAsync(),
            await db.Profiles.CountAsync(),
            await db.ApiKeys.CountAsync());
    }

    private static string Dir(string root, string name) => Directory.CreateDirectory(Path.Combine(root, name)).FullName;

    private static void Check(Tools.Output o)
    {
        if (o.ExitCode != 0) throw new InvalidOperationException(o.All);
    }
}
