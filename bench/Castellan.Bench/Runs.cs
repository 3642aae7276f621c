using System.Globalization;

namespace Castellan.Bench;

/// <summary>The phases of one benchmark run, in the order bench/run.sh runs them, each beside its baseline.</summary>
internal static class Runs
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(120);

    public static async Task IssuanceAndOcspAsync(BenchOptions o, Figures figures, string work)
    {
        Console.WriteLine($"generating {o.Warmup + o.Count} P-256 CSRs (before any timing)");
        var csrs = Csrs.Generate(o.Warmup + o.Count);

        Console.WriteLine("openssl speed -seconds 3 ecdsap256");
        var speed = await CryptoBound.MeasureAsync();
        var cores = Environment.ProcessorCount;
        var bound = speed.BoundPerCore * cores;
        figures.Add("crypto bound", "openssl speed ecdsap256 (1 core)", $"sign {Figures.F(speed.SignPerSecond)}/s, verify {Figures.F(speed.VerifyPerSecond)}/s",
            $"bound 1/(1/sign+1/verify) = {Figures.F(speed.BoundPerCore)}/s per core, {Figures.F(bound)}/s on {cores} cores");

        IReadOnlyList<LoadResult> cfssl = [];
        if (o.Wants("issuance"))
        {
            Console.WriteLine("cfssl serve");
            await using (var target = await CfsslTarget.StartAsync(work))
            {
                cfssl = await IssuanceBench.RunAsync(target, csrs, o.Clients, o.Warmup, o.Count, RunLimit);
            }
            for (var i = 0; i < o.Clients.Count; i++)
                figures.Add($"issuance, {o.Clients[i]} clients", "cfssl 1.2 /api/v1/cfssl/sign (stores nothing)", IssuanceBench.Describe(cfssl[i]),
                    $"{Figures.F(cfssl[i].PerSecond / bound, "0.00")} of crypto bound");
        }

        Console.WriteLine("Castellan, SQLite");
        await using (var sqlite = await CastellanTarget.StartAsync("castellan-sqlite", o.Server, work, ["--Castellan:Storage:Provider", "sqlite"]))
        {
            var runs = await IssuanceBench.RunAsync(sqlite, csrs, o.Wants("issuance") ? o.Clients : [o.Clients[0]], o.Warmup, o.Count, RunLimit);
            if (o.Wants("issuance")) AddCastellan(figures, o, "Castellan, SQLite (WAL, synchronous=FULL)", runs, cfssl, bound);
            if (o.Wants("ocsp")) await OcspAsync(o, figures, sqlite, work);
        }

        if (o.Wants("issuance") && o.BaselineServer is { Length: > 0 } before)
        {
            // The same benchmark against another build of the server (bench/run.sh --before COMMIT builds it), in the
            // same run, so a change's effect is measured under the same machine load as the figures it is compared to.
            Console.WriteLine($"Castellan before the change ({o.BaselineLabel}), SQLite");
            await using var baseline = await CastellanTarget.StartAsync("castellan-before", before, work, ["--Castellan:Storage:Provider", "sqlite"]);
            var runs = await IssuanceBench.RunAsync(baseline, csrs, o.Clients, o.Warmup, o.Count, RunLimit);
            AddCastellan(figures, o, $"Castellan {o.BaselineLabel} (before), SQLite", runs, cfssl, bound);
        }

        if (o.Wants("issuance") && o.Postgres is { Length: > 0 } pg)
        {
            Console.WriteLine("Castellan, PostgreSQL");
            await using var postgres = await CastellanTarget.StartAsync("castellan-postgres", o.Server, work,
                ["--Castellan:Storage:Provider", "postgres", "--Castellan:Storage:ConnectionString", pg]);
            var runs = await IssuanceBench.RunAsync(postgres, csrs, o.Clients, o.Warmup, o.Count, RunLimit);
            AddCastellan(figures, o, "Castellan, PostgreSQL 15 (fsync on)", runs, cfssl, bound);
        }

        if (o.Wants("issuance") && o.BaselineServer is { Length: > 0 } beforePg && o.BaselinePostgres is { Length: > 0 } pgBefore)
        {
            // The baseline on PostgreSQL too, on a database of its own (bench/run.sh creates it).
            Console.WriteLine($"Castellan before the change ({o.BaselineLabel}), PostgreSQL");
            await using var baseline = await CastellanTarget.StartAsync("castellan-before-postgres", beforePg, work,
                ["--Castellan:Storage:Provider", "postgres", "--Castellan:Storage:ConnectionString", pgBefore]);
            var runs = await IssuanceBench.RunAsync(baseline, csrs, o.Clients, o.Warmup, o.Count, RunLimit);
            AddCastellan(figures, o, $"Castellan {o.BaselineLabel} (before), PostgreSQL", runs, cfssl, bound);
        }
        if (o.Wants("issuance") && o.Postgres is not { Length: > 0 })
        {
            figures.Note("PostgreSQL: no --postgres connection string, not measured");
        }
    }

    private static void AddCastellan(Figures figures, BenchOptions o, string system, IReadOnlyList<LoadResult> runs, IReadOnlyList<LoadResult> cfssl, double bound)
    {
        for (var i = 0; i < runs.Count; i++)
            figures.Add($"issuance, {o.Clients[i]} clients", system, IssuanceBench.Describe(runs[i]),
                $"{Figures.F(runs[i].PerSecond / cfssl[i].PerSecond, "0.00")}× cfssl, {Figures.F(runs[i].PerSecond / bound, "0.00")} of crypto bound");
    }

    private static async Task OcspAsync(BenchOptions o, Figures figures, CastellanTarget server, string work)
    {
        var requests = OcspBench.Build(server.IssuerPem!, server.Serials);
        Console.WriteLine($"OCSP: validating {requests.Der.Count} serials (every answer 'good', second answer byte-identical)");
        await OcspBench.ValidateAsync(server.BaseUrl, requests);
        var n = requests.Der.Count;

        using (var driver = new LoadDriver(64))
        {
            foreach (var (method, make) in new (string, Func<int, HttpRequestMessage>)[]
            {
                ("GET", i => OcspBench.Get(server.BaseUrl, requests.Der[i % n])),
                ("POST", i => OcspBench.Post(server.BaseUrl, requests.Der[i % n])),
            })
            {
                var r = await driver.RunAsync(0, 40_000, TimeSpan.FromSeconds(30), make, (resp, _) => resp.IsSuccessStatusCode);
                if (r.Failures > 0) throw new InvalidOperationException($"OCSP {method}: {r.Failures} failures; {r.FirstFailure}");
                figures.Add("OCSP " + method, "Castellan, .NET HttpClient driver (64 connections, same 2 cores)",
                    $"{Figures.F(r.PerSecond)}/s, p50 {Figures.F(r.P50Ms, "0.00")} ms, p99 {Figures.F(r.P99Ms, "0.00")} ms", $"{n} serials, {r.Requests} requests");
            }
        }

        if (!File.Exists("/usr/bin/wrk"))
        {
            figures.Note("wrk not installed: OCSP measured with the .NET driver only");
            return;
        }
        foreach (var post in new[] { false, true })
        {
            var script = Path.Combine(work, post ? "ocsp-post.lua" : "ocsp-get.lua");
            await File.WriteAllTextAsync(script, OcspBench.WrkScript(requests, post));
            var r = await OcspBench.WrkAsync(server.BaseUrl, script, o.OcspSeconds, 64, 2);
            if (r.Non2xx > 0) throw new InvalidOperationException($"wrk saw {r.Non2xx} non-2xx OCSP answers");
            figures.Add("OCSP " + (post ? "POST" : "GET"), "Castellan, wrk -t2 -c64",
                $"{Figures.F(r.PerSecond)}/s, p50 {Figures.F(r.P50Ms, "0.00")} ms, p99 {Figures.F(r.P99Ms, "0.00")} ms",
                $"{n} serials, {r.Requests} requests in {o.OcspSeconds} s; target ≥ 20000/s");
        }
    }

    public static async Task CrlAsync(Figures figures, string work, int[] sizes)
    {
        foreach (var size in sizes)
        {
            Console.WriteLine($"CRL with {size} entries");
            var crl = await CrlBench.RunAsync(size, work);
            var verify = await CrlBench.OpenSslVerifyAsync(crl);
            figures.Add("CRL", $"Castellan CrlPublisher.Sign, {size.ToString("N0", CultureInfo.InvariantCulture)} entries",
                $"{Figures.F(crl.Seconds, "0.00")} s, {Figures.F(crl.Bytes / 1048576.0, "0.0")} MiB",
                $"peak RSS {Figures.F(crl.PeakRssMb)} MiB (entries alone {Figures.F(crl.BaseRssMb)} MiB), {Figures.F(crl.AllocatedMb)} MiB allocated; openssl crl verify OK in {Figures.F(verify, "0.00")} s; target 1M < 10 s");
        }
    }
}
