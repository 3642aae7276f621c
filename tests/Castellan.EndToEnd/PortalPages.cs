using Castellan.IntegrationTests.Registration;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Castellan.EndToEnd;

/// <summary>The two steps every portal journey starts with, in one place so that a lesson about timing is learnt once.</summary>
internal static class PortalPages
{
    /// <summary>Prerendered HTML arrives before the circuit; clicks and typing before it is live do nothing.</summary>
    public static Task LiveAsync(IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Signs <paramref name="email"/> in with its password on a fresh page and returns it on the dashboard, live.</summary>
    public static async Task<IPage> SignedInAsync(IPage page, string email, string password = RegistrationServer.Password)
    {
        await page.GotoAsync("/signin");
        await LiveAsync(page);
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("[data-testid=dashboard-ready]")).ToBeAttachedAsync();
        // The dashboard shows before its circuit is live; a navigation click in that moment was lost once (the page
        // stayed on the dashboard), so journeys start clicking only once the page is interactive.
        await LiveAsync(page);
        return page;
    }
}
