using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Tests.Conversations;

/// <summary>Bob says he paid Alice through her own link; Alice has not seen the money and says so.</summary>
public sealed class NotReceivedConversationTests
{
    private static async Task ClaimAsync(Conversation chat, Obligation obligation) =>
        await chat.RecordAsync(await chat.Engine.HandleAsync(new PaymentClaimInbound(chat.ChatKey, $"claim:{Guid.NewGuid():N}", obligation.Id)));

    [Fact]
    public async Task Not_received_returns_a_claimed_debt_to_open_and_only_the_creditor_may_press_it()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/request @bob 10 EUR Lunch");
        var obligation = await chat.ObligationBehindPayButtonAsync("Bob", 1);
        Assert.False(chat.HasButton(1, "not received"));

        await ClaimAsync(chat, obligation);
        Assert.Contains("🕓 Bob → Alice", chat.CardText(1));

        await chat.PressAsync("Bob", 1, "Alice: not received");
        Assert.Equal("Only Alice can confirm receiving this payment.", chat.LastToast);
        Assert.Contains("🕓 Bob → Alice", chat.CardText(1));

        await chat.PressAsync("Alice", 1, "Alice: not received");
        Assert.Equal("Marked as not received (#1).", chat.LastToast);
        Assert.Equal("↩ Alice has not received 10.00 EUR from Bob (#1); the debt is open again.", chat.LastReply);
        Assert.Contains("⏳ Bob → Alice", chat.CardText(1));
        Assert.False(chat.HasButton(1, "not received"));
        Assert.Equal(-1000, (await chat.NetsAsync())["Bob"]);

        await ClaimAsync(chat, obligation);
        await chat.PressAsync("Alice", 1, "Alice got it");
        Assert.Equal(0, (await chat.NetsAsync())["Bob"]);
        Assert.Equal("p2p", (await chat.Store.LoadObligationAsync(obligation.Id))!.PaidVia);
    }

    [Fact]
    public async Task A_stale_not_received_button_changes_nothing()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/request @bob 10 EUR Lunch");
        var obligation = await chat.ObligationBehindPayButtonAsync("Bob", 1);
        await ClaimAsync(chat, obligation);
        var stale = chat.Button(1, "Alice: not received").Value;
        await chat.PressAsync("Alice", 1, "Alice: not received");

        await chat.PressTokenAsync("Alice", stale);
        Assert.Equal("Nobody has said they paid this yet.", chat.LastToast);

        await chat.PressAsync("Alice", 1, "Alice got it");
        await chat.PressTokenAsync("Alice", stale);
        Assert.Contains("paid", chat.LastToast);
        Assert.Equal("manual", (await chat.Store.LoadObligationAsync(obligation.Id))!.PaidVia);
    }

    [Fact]
    public async Task In_Chinese_the_button_and_the_reply_are_Chinese()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/settings language zh");
        await chat.SendAsync("Alice", "/request @bob 10 EUR Lunch");
        var obligation = (await chat.Store.ObligationsAsync(chat.ChatKey, 1, openOnly: true)).Single();
        await ClaimAsync(chat, obligation);

        await chat.PressAsync("Alice", 1, "Alice 未收到");

        Assert.Equal("↩ Alice 未收到 Bob 的 EUR 10.00（#1），欠款重新待付。", chat.LastReply);
    }
}
