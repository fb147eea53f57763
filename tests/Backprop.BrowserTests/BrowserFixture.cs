using Microsoft.Playwright;

namespace Backprop.BrowserTests;

/// <summary>
/// One headless chromium for all browser tests: Debian's (BACKPROP_CHROMIUM, else /usr/bin/chromium), driven by
/// Playwright for .NET, which downloads nothing when given the browser's path.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string chromium = Environment.GetEnvironmentVariable("BACKPROP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"No chromium at {chromium}: run tests/browser.sh, which installs Debian's chromium, or set BACKPROP_CHROMIUM.");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }

    /// <summary>
    /// A new page in its own context that records every request other than <paramref name="allowedPrefix"/> (the page's own
    /// file or server) in <paramref name="requests"/>, and every console error or page error in <paramref name="errors"/>.
    /// </summary>
    public async Task<IPage> NewPageAsync(List<string> requests, List<string> errors, string allowedPrefix)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var page = await context.NewPageAsync();
        page.Request += (_, r) => { if (!r.Url.StartsWith(allowedPrefix, StringComparison.Ordinal)) lock (requests) requests.Add(r.Url); };
        page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add(m.Text); };
        page.PageError += (_, e) => { lock (errors) errors.Add(e); };
        return page;
    }

    /// <summary>Saves a screenshot of <paramref name="page"/> as BACKPROP_SCREENSHOTS/NAME.png when that folder is set (tests/browser.sh --screenshots).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BACKPROP_SCREENSHOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
