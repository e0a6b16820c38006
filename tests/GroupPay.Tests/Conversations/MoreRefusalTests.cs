namespace GroupPay.Tests.Conversations;

/// <summary>The refusals each flow owes its users beyond the ones in the flow's own conversation tests.</summary>
public sealed class MoreRefusalTests
{
    [Fact]
    public async Task A_closed_collection_takes_no_more_members()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/collect 10 EUR Gift");
        var join = chat.Button(1, "Join").Value;
        await chat.PressAsync("Bob", 1, "Join");
        await chat.PressAsync("Alice", 1, "Close");

        await chat.PressTokenAsync("Carol", join);

        Assert.Equal("#1 is closed, waiting for payments, so you can't join it now.", chat.LastToast);
        Assert.Single((await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!.Participants);
    }

    [Fact]
    public async Task A_red_packet_refuses_amounts_finer_than_the_currency()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/lottery 1.234 EUR 3");
        Assert.Contains("1.234", chat.LastReply);
        await chat.SendAsync("Alice", "/lottery 100.5 JPY 3");
        Assert.Contains("100.5", chat.LastReply);
        Assert.Empty(await chat.Store.RecentFlowsAsync(chat.ChatKey, 10, openOnly: false));
    }

    [Fact]
    public async Task A_raffle_is_cancelled_refuses_bad_prices_and_closes_after_the_draw()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/raffle 1,234,5 EUR Prize");
        Assert.Contains("1,234,5", chat.LastReply);

        await chat.SendAsync("Alice", "/raffle 5 EUR Prize");
        await chat.PressAsync("Bob", 1, "Join");
        await chat.PressAsync("Carol", 1, "Join");
        var join = chat.Button(1, "Join").Value;
        await chat.PressAsync("Alice", 1, "Draw");
        await chat.PressTokenAsync("Dave", join);
        Assert.Equal("#1 is drawn, waiting for payments, so you can't join it now.", chat.LastToast);

        await chat.SendAsync("Alice", "/raffle 2 EUR Second prize");
        await chat.PressAsync("Bob", 2, "Join");
        await chat.PressAsync("Alice", 2, "Cancel");
        Assert.Contains("Status: cancelled", chat.CardText(2));
        Assert.Contains("Seed revealed", chat.CardText(2));
    }

    [Fact]
    public async Task A_paid_transfer_can_no_longer_be_cancelled()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Bob", "/transfer @alice 5 EUR");
        var cancel = chat.Button(1, "Cancel").Value;
        await chat.PayAsync("Bob", 1);

        await chat.PressTokenAsync("Bob", cancel);

        Assert.Equal("#1 is paid, so you can't cancel it now.", chat.LastToast);
        Assert.Equal(0, (await chat.NetsAsync())["Bob"]);
    }

    [Fact]
    public async Task A_settle_up_plan_cannot_be_cancelled_and_unknown_currencies_are_refused()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 30 EUR Taxi @bob @carol");
        await chat.SendAsync("Bob", "/settle");

        await chat.SendAsync("Alice", "/cancel #2");
        Assert.Equal("#2 is waiting for payments, so you can't cancel it now.", chat.LastReply);

        await chat.SendAsync("Alice", "/settle XYZ");
        Assert.NotEmpty(chat.LastReply);
        Assert.Equal(2, (await chat.Store.ObligationsAsync(chat.ChatKey, 2, openOnly: true)).Count);
    }

    [Fact]
    public async Task Cancelling_an_unknown_flow_says_so()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/cancel #42");
        Assert.Equal("There is no #42 in this chat. /history lists recent ones.", chat.LastReply);
    }
}
