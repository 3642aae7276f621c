using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.IntegrationTests.BadInput;

/// <summary>
/// Random mutations of a valid CSR and of a valid JSON body, thousands of them within a bounded time: the server
/// answers every one with a 2xx or 4xx, never a 5xx, and leaves no half-issued (Reserved) certificate behind.
/// The seed is printed on failure so a case can be replayed.
/// </summary>
public sealed class FuzzTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const int MutationsPerKind = 1500;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Mutated_csrs_and_json_bodies_never_get_a_server_error()
    {
        var seed = Environment.TickCount;
        var dir = TestPaths.NewDirectory("fuzz");
        var csrPem = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=fuzz.example.com", "DNS:fuzz.example.com"));
        var csrDer = Convert.FromBase64String(string.Concat(csrPem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal))));
        var validBody = JsonSerializer.Serialize(new { profile = "tls-server", csr = csrPem, sans = new[] { "fuzz.example.com" }, validityDays = 90 });

        var bodies = new List<(string Kind, byte[] Body)>(2 * MutationsPerKind);
        var random = new Random(seed);
        for (var i = 0; i < MutationsPerKind; i++)
            bodies.Add(("csr", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { profile = "tls-server", csr = MutateCsr(random, csrDer, csrPem) }))));
        for (var i = 0; i < MutationsPerKind; i++)
            bodies.Add(("json", MutateJson(random, validBody)));

        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(Budget);
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cts.Token }, async (item, ct) =>
        {
            using var content = new ByteArrayContent(item.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await server.Client.PostAsync("/api/v1/certificates", content, ct);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status >= 500)
                failures.Enqueue($"{item.Kind} mutation got {status}: {await response.Content.ReadAsStringAsync(ct)}\n  body: {Encoding.UTF8.GetString(item.Body)[..Math.Min(400, item.Body.Length)]}");
        });
        clock.Stop();

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        Assert.True(failures.IsEmpty, $"seed {seed}; {failures.Count} server errors ({summary}):\n{string.Join("\n", failures.Take(5))}");
        Assert.Equal(2 * MutationsPerKind, statuses.Values.Sum());
        Assert.True(clock.Elapsed < Budget, $"{2 * MutationsPerKind} requests took {clock.Elapsed}");

        var factory = server.Services.GetRequiredService<IDbContextFactory<CastellanDb>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(0, await db.Certificates.CountAsync(c => c.Status == 0 || c.Der == null)); // 0 = Reserved: no half-written issuance
        Assert.Contains("\"intact\":true", await server.Client.GetStringAsync("/api/v1/audit/verify"));
    }

    /// <summary>Byte-level mutations of the DER (sent as PEM or bare base64) and text-level mutations of the PEM.</summary>
    private static string MutateCsr(Random r, byte[] der, string pem)
    {
        switch (r.Next(10))
        {
            case 0: // text: replace characters anywhere, armour included
            {
                var chars = pem.ToCharArray();
                for (var n = r.Next(1, 6); n > 0; n--) chars[r.Next(chars.Length)] = (char)r.Next(32, 127);
                return new string(chars);
            }
            case 1: // text: drop a line
            {
                var lines = pem.Split('\n').ToList();
                lines.RemoveAt(r.Next(lines.Count));
                return string.Join('\n', lines);
            }
            case 2: // text: truncate
                return pem[..r.Next(pem.Length)];
            default:
            {
                var mutated = MutateBytes(r, der);
                return r.Next(2) == 0 ? Convert.ToBase64String(mutated) : BadInputCorpus.Pem("CERTIFICATE REQUEST", Convert.ToBase64String(mutated));
            }
        }
    }

    private static byte[] MutateBytes(Random r, byte[] input)
    {
        var b = input.ToList();
        for (var n = r.Next(1, 4); n > 0 && b.Count > 0; n--)
        {
            var at = r.Next(b.Count);
            switch (r.Next(6))
            {
                case 0: b[at] ^= (byte)(1 << r.Next(8)); break;                       // flip a bit
                case 1: b[at] = (byte)r.Next(256); break;                             // set a byte
                case 2: b.Insert(at, (byte)r.Next(256)); break;                        // insert a byte
                case 3: b.RemoveRange(at, Math.Min(r.Next(1, 16), b.Count - at)); break; // delete a run
                case 4: b[at] = (byte)(r.Next(2) == 0 ? 0x80 | r.Next(1, 5) : 0xFF); break; // a length octet that lies
                default: b.InsertRange(at, b.Skip(r.Next(b.Count)).Take(r.Next(1, 32)).ToList()); break; // duplicate a slice
            }
        }
        return [.. b];
    }

    /// <summary>Structural mutations (a field of another type, removed, added, huge) or raw byte mutations of the JSON.</summary>
    private static byte[] MutateJson(Random r, string json)
    {
        if (r.Next(3) == 0) return MutateBytes(r, Encoding.UTF8.GetBytes(json));
        var node = JsonNode.Parse(json)!.AsObject();
        string[] fields = ["profile", "csr", "sans", "validityDays", "subject", "issuer", "keyAlgorithm", "pkcs12Password"];
        for (var n = r.Next(1, 4); n > 0; n--)
        {
            var field = fields[r.Next(fields.Length)];
            node[field] = r.Next(12) switch
            {
                0 => null,
                1 => r.Next(),
                2 => -r.NextDouble() * 1e12,
                3 => true,
                4 => new JsonArray(JsonValue.Create("a"), JsonValue.Create(1), null),
                5 => new JsonObject { ["x"] = 1 },
                6 => new string((char)r.Next(0, 0x10000), r.Next(0, 5000)), // any UTF-16 unit: controls, NUL, lone surrogates
                7 => "",
                8 => new JsonArray(Enumerable.Range(0, r.Next(0, 150)).Select(i => (JsonNode?)JsonValue.Create($"n{i}.example.com")).ToArray()),
                9 => "CN=" + new string('x', r.Next(0, 200)) + ",O=\"",
                10 => new[] { "ec-p256", "rsa-2048", "ec-p521", "tls-client", "mtls", "root", "issuing-1" }[r.Next(7)],
                _ => JsonValue.Create(r.Next(-5, 400)),
            };
            if (r.Next(8) == 0) node.Remove(field);
        }
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}
