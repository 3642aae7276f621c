using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Castellan.Portal.Track;

/// <summary>
/// One address, two readers: a shared tracking link (/track/{token}) opens the portal's page in a browser and the JSON
/// view for a program. When a portal page and another endpoint have the same route pattern, a request that accepts
/// text/html gets the page and any other request the endpoint, so the API stays as it is and the link stays short.
/// </summary>
internal sealed class PageOrApiSelector : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the HTTP method policy, so only endpoints that answer this method are weighed.
    public override int Order => 100;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(IsPage) && endpoints.Any(e => !IsPage(e));

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var pages = new List<int>();
        var others = new List<int>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i)) continue;
            (IsPage(candidates[i].Endpoint) ? pages : others).Add(i);
        }
        if (pages.Count == 0 || others.Count == 0) return Task.CompletedTask;
        var wantsHtml = httpContext.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
        foreach (var page in pages)
        {
            var pattern = Pattern(candidates[page].Endpoint);
            var twins = others.Where(o => string.Equals(Pattern(candidates[o].Endpoint), pattern, StringComparison.OrdinalIgnoreCase)).ToList();
            if (twins.Count == 0) continue;
            if (wantsHtml) foreach (var t in twins) candidates.SetValidity(t, false);
            else candidates.SetValidity(page, false);
        }
        return Task.CompletedTask;
    }

    private static bool IsPage(Endpoint e) => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;

    // Parameter names may differ in case ({Token} on the page, {token} in the API); route matching ignores case too.
    private static string? Pattern(Endpoint e) => (e as RouteEndpoint)?.RoutePattern.RawText?.Trim('/');
}
