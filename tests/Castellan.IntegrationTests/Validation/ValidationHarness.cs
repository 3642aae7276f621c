using Castellan.Authority;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Castellan.Validation;
using Castellan.Validation.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Castellan.IntegrationTests.Validation;

/// <summary>
/// The validation authority as the server wires it (AddValidation + the EF stores on a real SQLite file), configured
/// with the given <c>Castellan:Validation</c> keys and a fake clock, so tests talk to real BIND, HTTP, TLS and SMTP peers.
/// </summary>
public sealed class ValidationHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ValidationHarness(ServiceProvider services, FakeTimeProvider time)
    {
        _services = services;
        Time = time;
    }

    public FakeTimeProvider Time { get; }
    public IValidationAuthority Va => _services.GetRequiredService<IValidationAuthority>();
    public IEmailValidation Email => _services.GetRequiredService<IEmailValidation>();
    public IValidationEvidenceStore Evidence => _services.GetRequiredService<IValidationEvidenceStore>();

    public static async Task<ValidationHarness> StartAsync(IDictionary<string, string?> validation)
    {
        var dir = TestPaths.NewDirectory("va");
        var settings = new Dictionary<string, string?> { ["Castellan:Storage:Provider"] = "sqlite", ["Castellan:Validation:AttemptTimeout"] = "00:00:02" };
        // SMTP keys are the installation's one mail configuration (Castellan:Smtp), read by the VA's direct fallback here.
        foreach (var (k, v) in validation) settings[k.StartsWith("Smtp:", StringComparison.Ordinal) ? "Castellan:" + k : "Castellan:Validation:" + k] = v;
        if (validation.ContainsKey("Smtp:Host")) settings["Castellan:Smtp:Security"] = "None";
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // A fixed start inside the 200-day reuse period, so a test can walk to the end of the window without the
        // SC-081v3 schedule shortening it on the way (2027-03-15).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(config);
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(new DataDirectory(dir));
        services.AddStorage(config);
        services.AddValidation();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<DatabaseInitializer>().InitialiseAsync(CancellationToken.None);
        return new ValidationHarness(provider, time);
    }

    public static Identifier Dns(string name) => new(IdentifierType.Dns, name);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
