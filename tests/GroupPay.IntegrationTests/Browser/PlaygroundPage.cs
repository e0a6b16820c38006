using Microsoft.Playwright;

namespace GroupPay.IntegrationTests.Browser;

/// <summary>The playground as a person uses it: pick who you are, type, read cards, press their buttons.</summary>
public sealed class PlaygroundPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Messages => Page.GetByTestId("messages");

    public async Task BecomeAsync(string name)
    {
        await Page.Locator($"[data-testid=member][data-member-name='{name}'] [data-testid=pick-member]").ClickAsync();
        await Assertions.Expect(Page.GetByTestId("current-member")).ToHaveTextAsync($"You are: {name}");
    }

    public async Task SendAsync(string text)
    {
        await Page.GetByTestId("command-input").FillAsync(text);
        await Page.GetByTestId("send-button").ClickAsync();
    }

    /// <summary>The card whose title holds <paramref name="title"/>, as it stands in the chat now.</summary>
    public ILocator Card(string title) =>
        Page.GetByTestId("card").Filter(new() { Has = Page.GetByTestId("card-title").Filter(new() { HasText = title }) });

    public static ILocator Line(ILocator card, string text) => card.GetByTestId("card-line").Filter(new() { HasText = text });

    public static ILocator Button(ILocator card, string label) => card.GetByTestId("card-button").Filter(new() { HasText = label });

    /// <summary>
    /// Presses a callback button and returns the toast it answered with. The toasts on screen are marked first: each
    /// disappears after 4 s, so counting them and waiting for one more missed the answer when an older toast went
    /// away in between.
    /// </summary>
    public async Task<string> PressAsync(ILocator card, string label)
    {
        await Page.EvaluateAsync("() => document.querySelectorAll('[data-testid=toast]').forEach(t => t.dataset.seen = '1')");
        await Button(card, label).ClickAsync();
        var toast = Page.Locator("[data-testid=toast]:not([data-seen])").First;
        await toast.WaitForAsync();
        return await toast.InnerTextAsync();
    }

    /// <summary>Follows a pay link (a URL button) into the sandbox checkout, which opens in a new tab.</summary>
    public async Task<IPage> OpenPayLinkAsync(ILocator card, string label)
    {
        var checkout = await Page.RunAndWaitForPopupAsync(() => Button(card, label).ClickAsync());
        await checkout.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return checkout;
    }

    /// <summary>Saves a picture of the page as <c>{name}.png</c> in the folder <c>PLAYGROUND_SCREENSHOTS</c> names, when it is set.</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("PLAYGROUND_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await Page.BringToFrontAsync();
            await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), Type = ScreenshotType.Png });
        }
    }

    /// <summary>Marks the page so a test can prove later that what it sees arrived without a reload.</summary>
    public async Task MarkAsync() => await Page.EvaluateAsync("() => { window.__sameDocument = true; }");

    public async Task<bool> IsSameDocumentAsync() => await Page.EvaluateAsync<bool>("() => window.__sameDocument === true");
}
