using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GroupPay.IntegrationTests.Browser;

/// <summary>
/// A newcomer's minute in the playground, in a real browser against the real host: every flow is driven through the
/// page as members would, and the money is checked through the admin API.
/// </summary>
public sealed partial class PlaygroundBrowserTests
{
    private const string AdminKey = "it-admin-key-0123456789";

    [Fact]
    public async Task Alice_splits_dinner_Bob_pays_in_the_sandbox_and_his_line_turns_green_live()
    {
        await using var host = TestHost.Start(AdminKey);
        await using var chromium = await Chromium.LaunchAsync();
        var chat = await chromium.OpenPlaygroundAsync(host);

        await chat.BecomeAsync("Alice");
        await chat.SendAsync("/split 90 EUR Dinner @bob @carol");
        var card = chat.Card("#1 Dinner");
        await Expect(PlaygroundPage.Line(card, "Bob owes")).ToHaveTextAsync("⏳ Bob owes 30.00 EUR · open");
        await Expect(PlaygroundPage.Line(card, "Carol owes")).ToHaveTextAsync("⏳ Carol owes 30.00 EUR · open");

        await chat.BecomeAsync("Bob");
        await chat.MarkAsync();
        var checkout = await chat.OpenPayLinkAsync(card, "Bob pays");
        await Expect(checkout.GetByTestId("amount")).ToHaveTextAsync("30.00 EUR");
        await checkout.GetByRole(AriaRole.Button, new() { Name = "Pay 30.00 EUR" }).ClickAsync();
        await Expect(checkout.GetByTestId("result")).ToContainTextAsync("Payment sent");

        await Expect(PlaygroundPage.Line(card, "Bob owes")).ToHaveTextAsync("✅ Bob owes 30.00 EUR · paid");
        await Expect(PlaygroundPage.Line(card, "Carol owes")).ToHaveTextAsync("⏳ Carol owes 30.00 EUR · open");
        await Expect(chat.Messages).ToContainTextAsync("✅ Bob paid Alice 30.00 EUR for Dinner (#1).");
        Assert.True(await chat.IsSameDocumentAsync(), "the card changed without a reload");
        await Expect(PlaygroundPage.Button(card, "Bob pays")).ToHaveCountAsync(0);

        await chat.ScreenshotAsync("playground");

        using var admin = Admin(host);
        Assert.Equal(
            new Dictionary<string, string> { ["Alice"] = "30.00", ["Bob"] = "0.00", ["Carol"] = "-30.00" },
            await BalancesAsync(admin, await ChatKeyAsync(admin)));
    }

    [Fact]
    public async Task A_red_packet_is_grabbed_by_three_members_and_verifies_from_its_seed()
    {
        await using var host = TestHost.Start(AdminKey);
        await using var chromium = await Chromium.LaunchAsync();
        var chat = await chromium.OpenPlaygroundAsync(host);

        await chat.BecomeAsync("Alice");
        await chat.SendAsync("/lottery 10 EUR 3");
        var card = chat.Card("#1");
        await Expect(PlaygroundPage.Button(card, "Grab")).ToBeVisibleAsync();

        foreach (var name in new[] { "Bob", "Carol", "Dave" })
        {
            await chat.BecomeAsync(name);
            Assert.StartsWith("🧧 You got ", await chat.PressAsync(card, "Grab"));
        }

        await Expect(card).ToContainTextAsync("Seed revealed");
        var grabs = new Dictionary<string, decimal>();
        foreach (var line in await card.GetByTestId("card-line").AllInnerTextsAsync())
        {
            if (GrabLine().Match(line) is { Success: true } grab)
            {
                grabs[grab.Groups["name"].Value] = decimal.Parse(grab.Groups["amount"].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.Equal(["Bob", "Carol", "Dave"], grabs.Keys.Order());
        Assert.Equal(10.00m, grabs.Values.Sum());

        using var admin = Admin(host);
        using var flows = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/chats/{Uri.EscapeDataString(await ChatKeyAsync(admin))}/flows"));
        var owed = flows.RootElement.EnumerateArray().Single().GetProperty("obligations").EnumerateArray()
            .ToDictionary(o => o.GetProperty("creditorName").GetString()!, o => decimal.Parse(o.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(grabs, owed);

        await chat.SendAsync("/verify #1");
        var verify = chat.Card("Verify #1");
        await Expect(verify).ToContainTextAsync("Every amount follows from the seed");
        // The commitment check and one line per grab.
        await Expect(verify.GetByTestId("card-line").Filter(new() { HasTextRegex = new Regex("^✓") })).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task The_organiser_reminds_and_a_declined_sandbox_payment_leaves_the_line_open()
    {
        await using var host = TestHost.Start(AdminKey);
        await using var chromium = await Chromium.LaunchAsync();
        var chat = await chromium.OpenPlaygroundAsync(host);

        await chat.BecomeAsync("Alice");
        await chat.SendAsync("/collect 20 EUR Dues @bob @carol");
        var card = chat.Card("#1");
        await Expect(PlaygroundPage.Line(card, "Bob ·")).ToHaveTextAsync("⏳ Bob · 20.00 EUR");

        Assert.Equal("Reminder sent.", await chat.PressAsync(card, "Remind"));
        await Expect(chat.Messages.GetByTestId("message-text").Filter(new() { HasText = "⏰ Reminder for #1 Dues" }))
            .ToHaveTextAsync("⏰ Reminder for #1 Dues: 20.00 EUR each to Alice is still open for Bob, Carol.");

        await chat.BecomeAsync("Bob");
        var checkout = await chat.OpenPayLinkAsync(card, "Bob pays");
        await checkout.GetByRole(AriaRole.Button, new() { Name = "Decline" }).ClickAsync();
        await Expect(checkout.GetByTestId("result")).ToHaveTextAsync("Payment declined");

        using var admin = Admin(host);
        using var flows = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/chats/{Uri.EscapeDataString(await ChatKeyAsync(admin))}/flows"));
        var bobs = flows.RootElement.EnumerateArray().Single().GetProperty("obligations").EnumerateArray().Single(o => o.GetProperty("debtorName").GetString() == "Bob");
        Assert.Equal("Open", bobs.GetProperty("state").GetString());
        await Expect(PlaygroundPage.Line(card, "Bob ·")).ToHaveTextAsync("⏳ Bob · 20.00 EUR");
        await Expect(PlaygroundPage.Button(card, "Bob pays")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task At_phone_width_the_page_stacks_and_still_sends_and_renders_cards()
    {
        await using var host = TestHost.Start(AdminKey);
        await using var chromium = await Chromium.LaunchAsync();
        var chat = await chromium.OpenPlaygroundAsync(host, width: 390, height: 844);

        await chat.BecomeAsync("Carol");
        await Expect(chat.Page.GetByTestId("example").First).ToBeHiddenAsync();
        await chat.Page.GetByText("Commands to try").ClickAsync();
        await chat.Page.GetByTestId("example").Filter(new() { HasText = "/split 30 EUR Taxi" }).ClickAsync();
        await Expect(chat.Page.GetByTestId("command-input")).ToHaveValueAsync("/split 30 EUR Taxi");
        await chat.Page.GetByTestId("send-button").ClickAsync();
        await Expect(chat.Card("#1 Taxi")).ToBeVisibleAsync();

        await chat.ScreenshotAsync("playground-phone");
        var overflow = await chat.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "nothing sticks out sideways at phone width");
        var composer = await chat.Page.GetByTestId("composer").BoundingBoxAsync();
        Assert.NotNull(composer);
        Assert.True(composer.Y + composer.Height <= 844, "the command box is on screen");
    }

    private static HttpClient Admin(TestHost host)
    {
        var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    private static async Task<string> ChatKeyAsync(HttpClient client)
    {
        using var groups = JsonDocument.Parse(await client.GetStringAsync("/api/playground/groups"));
        return groups.RootElement.EnumerateArray().Single().GetProperty("chatKey").GetString()!;
    }

    private static async Task<Dictionary<string, string>> BalancesAsync(HttpClient client, string chatKey)
    {
        using var balances = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/chats/{Uri.EscapeDataString(chatKey)}/balances"));
        return balances.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("net").GetString()!);
    }

    [GeneratedRegex(@"^\S+ \d+\. (?<name>\w+) · (?<amount>\d+\.\d{2}) EUR$")]
    private static partial Regex GrabLine();
}
