using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GroupPay.IntegrationTests.Browser;

/// <summary>Person-to-person payment in the playground: a PayPal.me link, "I paid", and the payee's confirmation, all live.</summary>
public sealed partial class PlaygroundBrowserTests
{
    [Fact]
    public async Task In_a_p2p_chat_Bob_pays_Carol_by_PayPal_says_I_paid_and_Carols_confirmation_turns_his_line_green_live()
    {
        await using var host = TestHost.Start(AdminKey);
        await using var chromium = await Chromium.LaunchAsync();
        var chat = await chromium.OpenPlaygroundAsync(host);

        // Alice, the group's admin, switches it to person-to-person payments; Carol says where she wants to be paid.
        await chat.BecomeAsync("Alice");
        await chat.SendAsync("/settings provider p2p");
        await Expect(chat.Messages).ToContainTextAsync("⚙️ provider is now p2p.");
        await chat.BecomeAsync("Carol");
        await chat.SendAsync("/payme paypal carolpay");
        await chat.SendAsync("/request @bob 12.50 EUR Concert");
        var card = chat.Card("#1");
        var bobsLine = PlaygroundPage.Line(card, "Bob");
        await Expect(bobsLine).ToContainTextAsync("⏳");

        // Bob opens his pay link: Carol's PayPal.me link for the exact amount, and "I paid".
        await chat.BecomeAsync("Bob");
        await chat.MarkAsync();
        var payPage = await chat.OpenPayLinkAsync(card, "Bob pays");
        await Expect(payPage.GetByTestId("amount")).ToHaveTextAsync("12.50 EUR");
        await Expect(payPage.GetByTestId("p2p-link")).ToHaveAttributeAsync("href", "https://paypal.me/carolpay/12.50EUR");
        await payPage.GetByTestId("i-paid").ClickAsync();
        await Expect(payPage.GetByTestId("result")).ToHaveTextAsync("Thanks!");

        // Back in the chat, without a reload: the line shows the claim, and Carol is asked to confirm.
        await Expect(bobsLine).ToContainTextAsync("🕓");
        await Expect(chat.Messages).ToContainTextAsync("🕓 Bob says they paid Carol 12.50 EUR (#1).");

        // Carol has not seen the money yet: "not received" opens the debt again, and Bob can claim again.
        await chat.BecomeAsync("Carol");
        Assert.Equal("Marked as not received (#1).", await chat.PressAsync(card, "not received"));
        await Expect(bobsLine).ToContainTextAsync("⏳");
        await Expect(chat.Messages).ToContainTextAsync("↩ Carol has not received 12.50 EUR from Bob (#1); the debt is open again.");
        await chat.BecomeAsync("Bob");
        var again = await chat.OpenPayLinkAsync(card, "Bob pays");
        await again.GetByTestId("i-paid").ClickAsync();
        await Expect(again.GetByTestId("result")).ToHaveTextAsync("Thanks!");
        await Expect(bobsLine).ToContainTextAsync("🕓");

        // Now it has arrived: Carol confirms, and the line turns green.
        await chat.BecomeAsync("Carol");
        await chat.PressAsync(card, "✔ Carol got it");
        await Expect(bobsLine).ToContainTextAsync("✅");
        await Expect(PlaygroundPage.Button(card, "Bob pays")).ToHaveCountAsync(0);
        Assert.True(await chat.IsSameDocumentAsync(), "the card changed without a reload");

        using var admin = Admin(host);
        using var flows = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/chats/{Uri.EscapeDataString(await ChatKeyAsync(admin))}/flows"));
        var owed = flows.RootElement.EnumerateArray().Single().GetProperty("obligations").EnumerateArray().Single();
        Assert.Equal(("Bob", "Carol", "12.50", "Paid", "p2p"), (
            owed.GetProperty("debtorName").GetString(), owed.GetProperty("creditorName").GetString(), owed.GetProperty("amount").GetString(),
            owed.GetProperty("state").GetString(), owed.GetProperty("paidVia").GetString()));
        Assert.Equal(
            new Dictionary<string, string> { ["Bob"] = "0.00", ["Carol"] = "0.00" },
            (await BalancesAsync(admin, await ChatKeyAsync(admin))).Where(b => b.Key is "Bob" or "Carol").ToDictionary());
    }
}
