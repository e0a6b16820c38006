namespace GroupPay.Tests.Conversations;

public sealed class SplitBillConversationTests
{
    [Fact]
    public async Task Alice_splits_dinner_Bob_pays_and_balances_follow()
    {
        await using var chat = await Conversation.StartAsync();

        await chat.SendAsync("Alice", "/split 90 EUR Dinner @bob @carol");

        var card = chat.CardText(1);
        Assert.Contains("#1 Dinner · 90.00 EUR", card);
        Assert.Contains("⏳ Bob owes 30.00 EUR · open", card);
        Assert.Contains("⏳ Carol owes 30.00 EUR · open", card);
        Assert.Contains("Alice's own share: 30.00 EUR", card);

        await chat.PayAsync("Bob", 1);

        Assert.Contains("✅ Bob owes 30.00 EUR · paid", chat.CardText(1));
        Assert.Contains("⏳ Carol owes 30.00 EUR · open", chat.CardText(1));
        Assert.Contains("✅ Bob paid Alice 30.00 EUR for Dinner (#1).", chat.Replies);
        Assert.False(chat.HasButton(1, "Bob pays"));

        await chat.SendAsync("Alice", "/balance");
        Assert.Contains("+30.00 EUR  Alice", chat.LastReply);
        Assert.Contains("0.00 EUR  Bob", chat.LastReply);
        Assert.Contains("-30.00 EUR  Carol", chat.LastReply);
        Assert.Equal(new Dictionary<string, long> { ["Alice"] = 3000, ["Bob"] = 0, ["Carol"] = -3000 }, await chat.NetsAsync());

        await chat.PayAsync("Carol", 1);
        Assert.Contains("Status: settled", chat.CardText(1));
    }

    [Fact]
    public async Task Members_join_and_the_creator_closes()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 30 EUR Taxi");
        Assert.Contains("open for joining", chat.CardText(1));

        await chat.PressAsync("Bob", 1, "Join");
        await chat.PressAsync("Carol", 1, "Join");
        Assert.Equal("You joined #1.", chat.LastToast);
        await chat.PressAsync("Alice", 1, "Close");

        Assert.Contains("Bob owes 10.00 EUR", chat.CardText(1));
        Assert.Contains("Carol owes 10.00 EUR", chat.CardText(1));
        Assert.Equal(2000, (await chat.NetsAsync())["Alice"]);
    }

    [Fact]
    public async Task Modifiers_give_exact_percent_and_weighted_shares()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 100 EUR Groceries @bob=40 @carol*2 @me*0");

        Assert.Contains("Bob owes 40.00 EUR", chat.CardText(1));
        Assert.Contains("Carol owes 60.00 EUR", chat.CardText(1));
        Assert.DoesNotContain("own share", chat.CardText(1));
    }

    [Fact]
    public async Task Creator_cancels_open_shares_drop_paid_ones_stay()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 90 EUR Dinner @bob @carol");
        await chat.PayAsync("Bob", 1);

        await chat.SendAsync("Alice", "/cancel #1");

        Assert.Contains("❌ #1 cancelled by Alice", chat.LastReply);
        Assert.Contains("✅ Bob owes 30.00 EUR · paid", chat.CardText(1));
        Assert.Contains("✖ Carol owes 30.00 EUR · cancelled", chat.CardText(1));
        Assert.All((await chat.NetsAsync()).Values, net => Assert.Equal(0, net));
    }

    [Fact]
    public async Task An_unclosed_split_closes_by_itself_after_a_week()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 20 EUR Pizza");
        await chat.PressAsync("Bob", 1, "Join");

        await chat.AdvanceAsync(TimeSpan.FromDays(6));
        Assert.Contains("open for joining", chat.CardText(1));

        await chat.AdvanceAsync(TimeSpan.FromDays(1.1));
        Assert.Contains("Bob owes 10.00 EUR", chat.CardText(1));
        Assert.Contains("waiting for payments", chat.CardText(1));
    }

    [Fact]
    public async Task Only_the_creator_or_an_admin_closes()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Bob", "/split 30 EUR Taxi");
        await chat.PressAsync("Carol", 1, "Join");

        await chat.PressAsync("Carol", 1, "Close");
        Assert.Equal("Only Bob (who started #1) or an admin can do that.", chat.LastToast);
        Assert.Contains("open for joining", chat.CardText(1));

        await chat.PressAsync("Alice", 1, "Close");
        Assert.Contains("Carol owes 15.00 EUR", chat.CardText(1));
    }

    [Fact]
    public async Task Only_the_creditor_marks_received()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 90 EUR Dinner @bob @carol");

        await chat.PressAsync("Bob", 1, "Alice got it");
        Assert.Equal("Only Alice can confirm receiving this payment.", chat.LastToast);
        Assert.Contains("⏳ Bob owes", chat.CardText(1));

        await chat.PressAsync("Alice", 1, "Alice got it");
        Assert.Contains("✅ Bob owes", chat.CardText(1));
    }

    [Theory]
    [InlineData("/split 12..5 EUR Dinner @bob", "12..5")]
    [InlineData("/split -3 EUR Dinner @bob", "-3")]
    [InlineData("/split 1.005 EUR Dinner @bob", "1.005")]
    [InlineData("/split 20000 EUR Car @bob", "20000")]
    public async Task A_bad_amount_is_refused_and_changes_nothing(string command, string quoted)
    {
        await using var chat = await Conversation.StartAsync();

        await chat.SendAsync("Alice", command);

        Assert.Contains(quoted, chat.LastReply);
        Assert.Empty(await chat.NetsAsync());
        Assert.Empty(await chat.Store.RecentFlowsAsync(chat.ChatKey, 10, openOnly: false));
    }

    [Fact]
    public async Task Fixed_amounts_above_the_total_are_refused_with_the_difference()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 50 EUR Tickets @bob=40 @carol=30");
        Assert.Equal("The fixed amounts are 20.00 EUR more than the total.", chat.LastReply);
    }

    [Fact]
    public async Task Buttons_of_a_closed_flow_do_nothing()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 30 EUR Taxi");
        var join = chat.Button(1, "Join").Value;
        await chat.SendAsync("Alice", "/cancel 1");

        await chat.PressTokenAsync("Bob", join);

        Assert.Equal("#1 is cancelled, so you can't join it now.", chat.LastToast);
        Assert.Empty((await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!.Participants);
    }

    [Fact]
    public async Task Forged_buttons_are_no_longer_valid()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.PressTokenAsync("Bob", "forged-token-123");
        Assert.Equal("This button is no longer valid.", chat.LastToast);
    }

    [Fact]
    public async Task A_username_not_seen_yet_is_pending_and_bound_when_they_speak()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob");
        await chat.SendAsync("Alice", "/split 90 EUR Dinner @bob @zoe");
        Assert.Contains("@zoe (not seen yet) owes 30.00 EUR", chat.CardText(1));

        await chat.SendAsync("Zoe", "hello!");

        Assert.Contains("Zoe owes 30.00 EUR", chat.CardText(1));
        Assert.Equal(-3000, (await chat.NetsAsync())["Zoe"]);
        Assert.Equal(0, (await chat.NetsAsync())["@zoe"]);
    }
}
