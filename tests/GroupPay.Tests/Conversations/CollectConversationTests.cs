namespace GroupPay.Tests.Conversations;

public sealed class CollectConversationTests
{
    [Fact]
    public async Task Organiser_collects_dues_and_the_roster_goes_green()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/collect 20 EUR Club dues @bob @carol by 2026-12-31");

        Assert.Contains("Alice collects 20.00 EUR from each member.", chat.CardText(1));
        Assert.Contains("Deadline: 2026-12-31", chat.CardText(1));
        Assert.Contains("⏳ Bob · 20.00 EUR", chat.CardText(1));

        await chat.PayAsync("Bob", 1);
        Assert.Contains("✅ Bob · 20.00 EUR", chat.CardText(1));
        Assert.Contains("Collected 20.00 EUR · 1 of 2 paid", chat.CardText(1));

        await chat.PayAsync("Carol", 1);
        Assert.Contains("Status: complete", chat.CardText(1));
    }

    [Fact]
    public async Task Members_opt_in_and_the_organiser_reminds_them()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/collect 15 EUR Gift for Dave");
        await chat.PressAsync("Bob", 1, "Join");
        await chat.PressAsync("Carol", 1, "Join");
        await chat.PressAsync("Alice", 1, "Join");
        Assert.Equal("You're already in #1.", chat.LastToast);

        await chat.PressAsync("Alice", 1, "Remind");
        Assert.Equal("⏰ Reminder for #1 Gift for Dave: 15.00 EUR each to Alice is still open for Bob, Carol.", chat.LastReply);

        await chat.PressAsync("Alice", 1, "Remind");
        Assert.Equal("A reminder for #1 went out a few minutes ago.", chat.LastToast);

        await chat.PressAsync("Bob", 1, "Remind");
        Assert.Equal("Only Alice (who started #1) or an admin can do that.", chat.LastToast);
    }

    [Fact]
    public async Task The_deadline_closes_the_collection_and_debts_stay_owed()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/collect 20 EUR Dues by 2026-11-30");
        await chat.PressAsync("Bob", 1, "Join");

        await chat.AdvanceAsync(TimeSpan.FromDays(5));

        Assert.Contains("Status: closed, waiting for payments", chat.CardText(1));
        Assert.False(chat.HasButton(1, "Join"));
        Assert.Equal(-2000, (await chat.NetsAsync())["Bob"]);
    }

    [Fact]
    public async Task Daily_reminders_run_from_persisted_due_times()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/settings reminders daily");
        await chat.SendAsync("Alice", "/collect 20 EUR Dues @bob");

        await chat.AdvanceAsync(TimeSpan.FromHours(25));
        Assert.Equal("⏰ Reminder for #1 Dues: 20.00 EUR each to Alice is still open for Bob.", chat.LastReply);

        chat.Replies.Clear();
        await chat.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Empty(chat.Replies);
    }

    [Fact]
    public async Task Cancel_drops_the_open_debts()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/collect 20 EUR Dues @bob @carol");
        await chat.PayAsync("Bob", 1);
        await chat.PressAsync("Alice", 1, "Cancel");

        Assert.Contains("Status: cancelled", chat.CardText(1));
        Assert.All((await chat.NetsAsync()).Values, net => Assert.Equal(0, net));
    }

    [Fact]
    public async Task Refusals_change_nothing()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/collect 20 EUR Dues @bob=5");
        Assert.Contains("same amount from everyone", chat.LastReply);
        await chat.SendAsync("Alice", "/collect 12..5 EUR Dues");
        Assert.Contains("12..5", chat.LastReply);
        await chat.SendAsync("Alice", "/collect 20 EUR Dues by 2020-01-01");
        Assert.Contains("already passed", chat.LastReply);
        Assert.Empty(await chat.Store.RecentFlowsAsync(chat.ChatKey, 10, openOnly: false));
    }
}
