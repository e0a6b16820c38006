using Microsoft.Playwright;

namespace GroupPay.IntegrationTests.Browser;

/// <summary>
/// Debian's headless Chromium driven by Playwright. The browser comes from the system package (TRAPS.md), never from
/// <c>playwright install</c>.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";
    private readonly IPlaywright playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>Opens the playground of <paramref name="host"/> at desktop (1280×800) or phone (390×844) size, once its live updates run.</summary>
    public async Task<PlaygroundPage> OpenPlaygroundAsync(TestHost host, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/playground");
        await page.Locator("body[data-live=true]").WaitForAsync();
        return new PlaygroundPage(page);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
