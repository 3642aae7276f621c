using Castellan.Authority;
using Castellan.Authority.Issuance;
using Castellan.Billing;
using Castellan.Portal;
using Castellan.Protocols.Acme;
using Castellan.Registration;
using Castellan.Registration.Orders;
using Castellan.Server.Api;
using Castellan.Server.Api.Audit;
using Castellan.Server.Api.Billing;
using Castellan.Server.Api.Cas;
using Castellan.Server.Api.Certificates;
using Castellan.Server.Api.Domains;
using Castellan.Server.Api.Problems;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Profiles;
using Castellan.Server.Api.Registration;
using Castellan.Server.Publication;
using Castellan.Storage;
using Castellan.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace Castellan.Server.Hosting;

/// <summary>Wires the roles into one web host. No business rules live here.</summary>
public static class CastellanHost
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = TranslateArguments(args), ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        configure?.Invoke(builder);

        var dataDirectory = builder.Configuration["Castellan:DataDirectory"] ?? "./data";
        var s = builder.Services;
        // First of the hosted services: they start in registration order, and the RA's background jobs (outbox,
        // reminders) registered by AddRegistration must find the schema migrated and the hierarchy in place.
        s.AddSingleton<StartupSequence>();
        s.AddHostedService(sp => sp.GetRequiredService<StartupSequence>());
        s.AddAuthority(dataDirectory);
        s.AddStorage(builder.Configuration);
        s.AddBilling();
        s.AddValidation();
        s.AddRegistration();
        s.AddAcme();
        s.AddSingleton(builder.Configuration.GetSection("Castellan:Network").Get<NetworkOptions>() ?? new NetworkOptions());
        s.AddSingleton<ClientAddress>();
        s.AddAuthorityBackgroundServices();
        s.AddRegistrationBackgroundServices();
        s.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Detail ??= c.ProblemDetails.Title ?? $"HTTP {c.ProblemDetails.Status}"); // RFC 9457: always say what went wrong
        // Unreadable JSON and wrong content types become BadHttpRequestException, which WriteUnhandledAsync turns
        // into a 4xx problem naming the fault; without this minimal APIs answer them with an empty 400/415.
        s.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        s.AddOpenApi("v1");
        s.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        s.AddPortal(o => o.ClientAddress = http => http.RequestServices.GetRequiredService<ClientAddress>().Of(http));
        PortalAssets.Use(builder);
        // Where an https endpoint asks for client certificates (Kestrel:Endpoints:X:ClientCertificateMode), any chain is
        // let through the handshake: the RA decides by registered fingerprint (ClientCertificateSignIn), not the OS trust store.
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.AllowAnyClientCertificate()));

        var app = builder.Build();
        var firstUrl = (builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
        app.Services.GetRequiredService<PublicationUrlProvider>().UseListeningAddress(Normalise(firstUrl));

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteUnhandledAsync,
            // A caller's bad JSON is answered with a 4xx and is not an error of ours: logging each one with a stack
            // trace would let any client flood the error log. Real faults are still logged.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        // ACME clients authenticate every request by its JWS (RFC 8555 §6.2): the portal's cookie authentication,
        // authorization and antiforgery have nothing to check on /acme, so those requests skip them.
        app.UseWhen(http => !http.Request.Path.StartsWithSegments("/acme", StringComparison.OrdinalIgnoreCase), portal => portal.UsePortal());
        PortalAssets.Map(app);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json").WithTitle("Castellan API"));
        app.MapGet("/health", (StartupSequence startup) => startup.Ready ? Results.Ok(new { status = "ready" }) : Results.Json(new { status = "starting" }, statusCode: 503));

        var api = app.MapGroup("/api/v1").AddEndpointFilter<ApiKeyAuthentication>();
        CertificateEndpoints.Map(api);
        CaEndpoints.Map(api);
        ProfileEndpoints.Map(api);
        AuditEndpoints.Map(api);
        BillingEndpoints.Map(api);
        SignUpEndpoints.Map(api);
        AccountEndpoints.Map(api);
        UserEndpoints.Map(api);
        ApiKeyEndpoints.Map(api);
        ProductEndpoints.Map(api);
        OrderEndpoints.Map(api);
        OrderActionEndpoints.Map(api);
        OrderValidationEndpoints.Map(api);
        CustomFieldEndpoints.Map(api);
        ReportingTagEndpoints.Map(api);
        GroupEndpoints.Map(api);
        PriceListEndpoints.Map(api);
        OrderDocumentEndpoints.Map(api);
        TrackingEndpoints.Map(app);
        SecurityEndpoints.Map(api);
        NotificationEndpoints.Map(api);
        Castellan.Server.Api.Acme.AcmeApiEndpoints.Map(api);
        DomainEndpoints.Map(api);
        Api.Organizations.OrganizationEndpoints.Map(api);
        Castellan.Server.Api.Enrolment.EnrolmentEndpoints.Map(api);
        Castellan.Server.Api.RegistrationNumbers.RegistrationNumberEndpoints.Map(api);
        Castellan.Server.Api.IdentityProofing.IdentityProofingEndpoints.Map(api);
        PublicationEndpoints.Map(app);
        app.MapAcme();
        app.MapPortal();
        return app;
    }

    /// <summary>Bad JSON and oversized bodies are the caller's fault (4xx); anything else is ours, reported without internals.</summary>
    private static async Task WriteUnhandledAsync(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = error switch
        {
            BadHttpRequestException bad when bad.StatusCode == 413 => ProblemResults.Problem(413, "too-large", "The request body is too large", "the request body exceeds the limit"),
            BadHttpRequestException bad => ProblemResults.Problem(bad.StatusCode, "malformed-input", "The request is malformed", bad.InnerException is System.Text.Json.JsonException json ? "invalid JSON: " + json.Message : bad.Message),
            _ => ProblemResults.Problem(500, "internal", "Internal error", "The server could not complete the request."),
        };
        await result.ExecuteAsync(http);
    }

    /// <summary><c>--data DIR</c> is shorthand for <c>--Castellan:DataDirectory DIR</c>.</summary>
    private static string[] TranslateArguments(string[] args)
    {
        var list = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data" && i + 1 < args.Length) { list.Add("--Castellan:DataDirectory"); list.Add(args[++i]); }
            else if (args[i].StartsWith("--data=", StringComparison.Ordinal)) list.Add("--Castellan:DataDirectory=" + args[i]["--data=".Length..]);
            else list.Add(args[i]);
        }
        return [.. list];
    }

    private static string Normalise(string url) =>
        url.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
           .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://[::1]", StringComparison.Ordinal).TrimEnd('/');
}
