using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Castellan.Bench;

/// <summary>
/// The RA's order path against the CA's raw issuance, on one server in one run: POST /api/v1/orders (idempotency key,
/// product prd_mtls (private trust, automatic approval: public TLS products wait for domain validation), a CSR) pays through the ledger, records the order, approves it
/// automatically and issues, answering only when the order is Order Fulfilled. The raw rate is POST
/// /api/v1/certificates with the same CSRs and concurrency, measured just before on the same server.
/// </summary>
internal static class OrdersBench
{
    public static async Task RunAsync(BenchOptions o, Figures figures, string work)
    {
        var limit = TimeSpan.FromSeconds(120);
        Console.WriteLine($"orders: generating {2 * (o.Warmup + o.Count)} P-256 CSRs (before any timing)");
        var issuanceCsrs = Csrs.Generate(o.Warmup + o.Count);
        var orderCsrs = Csrs.Generate(o.Warmup + o.Count);

        await using var server = await CastellanTarget.StartAsync("castellan-orders", o.Server, work, ["--Castellan:Storage:Provider", "sqlite"]);
        var raw = await IssuanceBench.RunAsync(server, issuanceCsrs, o.Clients, o.Warmup, o.Count, limit);

        // The operator account pays for the orders like any tenant would: one credit large enough for the whole run.
        using (var http = new HttpClient())
        {
            using var credit = server.Request(HttpMethod.Post, "/api/v1/billing/accounts/operator/credits",
                new { amountMinor = 5_000L * (o.Warmup + o.Count) * o.Clients.Count + 1, currency = "USD", paymentReference = "bench" });
            credit.Headers.Add("Idempotency-Key", "bench-credit");
            using var credited = await http.SendAsync(credit);
            if (!credited.IsSuccessStatusCode) throw new InvalidOperationException($"crediting the operator account failed: {(int)credited.StatusCode} {await credited.Content.ReadAsStringAsync()}");
        }

        var serials = new string?[orderCsrs.Count];
        var round = 0;
        HttpRequestMessage Place(int i)
        {
            var request = server.Request(HttpMethod.Post, "/api/v1/orders", new { productId = "prd_mtls", csr = orderCsrs[i] });
            request.Headers.Add("Idempotency-Key", $"bench-{round}-{i}");
            request.Options.Set(Index, i);
            return request;
        }
        bool Accept(HttpResponseMessage response, byte[] body)
        {
            if (response.StatusCode != HttpStatusCode.Created) return false;
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.GetProperty("status").GetString() != "fulfilled") return false;
            if (response.RequestMessage!.Options.TryGetValue(Index, out var i)) serials[i] = json.RootElement.GetProperty("certificateSerial").GetString();
            return true;
        }

        var results = new List<LoadResult>();
        foreach (var clients in o.Clients)
        {
            using var driver = new LoadDriver(clients);
            // Each level uses fresh idempotency keys (a replay would skip all the work), the same CSRs.
            round++;
            if (results.Count == 0)
            {
                var warm = await driver.RunAsync(0, o.Warmup, limit, Place, Accept);
                if (warm.Failures > 0) throw new InvalidOperationException($"orders: {warm.Failures} warm-up failures, first: {warm.FirstFailure}");
            }
            var cpu = server.CpuTime;
            var run = await driver.RunAsync(o.Warmup, o.Count, limit, Place, Accept);
            run = run with { ServerCpuMs = (server.CpuTime - cpu).TotalMilliseconds };
            if (run.Failures > 0) throw new InvalidOperationException($"orders: {run.Failures} of {run.Requests} failed, first: {run.FirstFailure}");
            results.Add(run);
        }
        await CheckKeysAsync(server, orderCsrs, serials);

        for (var i = 0; i < o.Clients.Count; i++)
        {
            figures.Add($"issuance, {o.Clients[i]} clients", "Castellan CA, POST /certificates, SQLite (same server as the orders below)", IssuanceBench.Describe(raw[i]));
            figures.Add($"orders, {o.Clients[i]} clients", "Castellan RA, POST /orders: pay + record + automatic approval + issue, SQLite",
                IssuanceBench.Describe(results[i]).Replace("certs/s", "orders/s", StringComparison.Ordinal).Replace("ms/cert", "ms/order", StringComparison.Ordinal),
                $"{Figures.F(results[i].PerSecond / raw[i].PerSecond, "0.00")}× raw issuance");
        }
    }

    /// <summary>Every 97th order's certificate, fetched back, must carry the public key of the CSR the order was placed with.</summary>
    private static async Task CheckKeysAsync(CastellanTarget server, IReadOnlyList<string> csrs, string?[] serials)
    {
        using var http = new HttpClient();
        var checkedKeys = 0;
        for (var i = 0; i < serials.Length; i += 97)
        {
            if (serials[i] is not { } serial) continue;
            using var request = server.Request(HttpMethod.Get, $"/api/v1/certificates/{serial}?format=der", new { });
            request.Content = null;
            using var response = await http.SendAsync(request);
            using var cert = X509CertificateLoader.LoadCertificate(await response.Content.ReadAsByteArrayAsync());
            if (!cert.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(Csrs.PublicKeyOf(csrs[i])))
                throw new InvalidOperationException($"order {i}: certificate {serial} does not carry the CSR's key");
            checkedKeys++;
        }
        if (checkedKeys == 0) throw new InvalidOperationException("orders: no certificate was checked against its CSR");
    }

    private static readonly HttpRequestOptionsKey<int> Index = new("bench-order-index");
}
