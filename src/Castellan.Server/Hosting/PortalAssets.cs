using Microsoft.AspNetCore.Hosting.StaticWebAssets;

namespace Castellan.Server.Hosting;

/// <summary>
/// The portal's static files (MudBlazor, blazor.web.js, its own CSS) wherever the host runs: `dotnet run`, the build
/// output in any environment (tests, `castellan serve`), or a published folder. ASP.NET maps build-output assets only
/// in Development and looks for manifests named after the entry assembly (testhost, castellan); both are fixed by
/// naming this project's manifests explicitly.
/// </summary>
internal static class PortalAssets
{
    private const string Name = "Castellan.Server";

    public static void Use(WebApplicationBuilder builder)
    {
        // Build output: the runtime manifest points into the NuGet cache and the projects' wwwroot folders. A
        // published folder has no runtime manifest and carries the files in wwwroot, so this is a no-op there.
        var runtime = Path.Combine(AppContext.BaseDirectory, Name + ".staticwebassets.runtime.json");
        if (!File.Exists(runtime)) return;
        builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, runtime);
        StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);
    }

    public static void Map(WebApplication app)
    {
        var endpoints = Path.Combine(AppContext.BaseDirectory, Name + ".staticwebassets.endpoints.json");
        if (File.Exists(endpoints)) app.MapStaticAssets(endpoints);
        else app.UseStaticFiles();
    }
}
