using MudBlazor;

namespace Castellan.Portal.Layout;

internal static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1e3a5f", AppbarBackground = "#1e3a5f", Secondary = "#2e7d6b" },
        Typography = new Typography { Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"] } },
    };
}
