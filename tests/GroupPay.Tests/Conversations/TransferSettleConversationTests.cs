using GroupPay.Payments;
using GroupPay.Payments.Settlement;

namespace GroupPay.Tests.Conversations;

public sealed class TransferSettleConversationTests
{
    [Fact]
    public async Task Transfer_posts_a_pay_link_and_settles_when_paid()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Bob", "/pay @alice 25 EUR Tickets");
        Assert.Contains("Bob → Alice · 25.00 EUR · open", chat.CardText(1));
        Assert.StartsWith("https://pay.example.test/pay/", chat.Button(1, "Bob pays").Value);

        await chat.PayAsync("Bob", 1);
        Assert.Contains("Status: paid", chat.CardText(1));
        Assert.All((await chat.NetsAsync()).Values, net => Assert.Equal(0, net));
    }

    [Fact]
    public async Task Request_can_be_declined_by_the_payer_but_not_by_others()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/request @bob 12,50 Lunch");
        Assert.Contains("Bob → Alice · 12.50 EUR · open", chat.CardText(1));
        Assert.Equal(-1250, (await chat.NetsAsync())["Bob"]);

        await chat.PressAsync("Carol", 1, "Decline");
        Assert.Equal("Only Alice (who started #1) or an admin can do that.", chat.LastToast);
        await chat.PressAsync("Bob", 1, "Decline");
        Assert.Contains("Status: cancelled", chat.CardText(1));
        Assert.Equal(0, (await chat.NetsAsync())["Bob"]);
    }

    [Fact]
    public async Task A_debt_does_not_time_out()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/request @bob 10 EUR");
        await chat.AdvanceAsync(TimeSpan.FromDays(400));
        Assert.Equal("Pending", (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!.State);
    }

    [Fact]
    public async Task Transfer_refusals()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/transfer 10 EUR");
        Assert.Contains("Try:", chat.LastReply);
        await chat.SendAsync("Alice", "/transfer @bob 10XYZ");
        Assert.Contains("XYZ", chat.LastReply);
        await chat.SendAsync("Alice", "/transfer @bob 0");
        Assert.Contains("0", chat.LastReply);
        Assert.Empty(await chat.Store.RecentFlowsAsync(chat.ChatKey, 10, openOnly: false));
    }

    [Fact]
    public async Task Settle_up_nets_three_overlapping_splits_into_the_fewest_transfers()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 90 EUR Dinner @bob @carol");
        await chat.SendAsync("Bob", "/split 60 EUR Taxi @carol @dave @erin");
        await chat.SendAsync("Carol", "/split 50 EUR Drinks @alice @erin @dave @bob");
        var before = await chat.NetsAsync();
        var openBefore = await chat.Store.ObligationsAsync(chat.ChatKey, null, openOnly: true);
        Assert.Equal(9, openBefore.Count);

        await chat.SendAsync("Dave", "/settle");

        var nonZero = before.Where(n => n.Value != 0).ToDictionary(n => n.Key, n => n.Value);
        var optimal = DebtSimplifier.Plan(nonZero).Transfers.Count;
        var plan = await chat.Store.ObligationsAsync(chat.ChatKey, 4, openOnly: true);
        Assert.Equal(optimal, plan.Count);
        Assert.Contains($"9 open EUR debts are netted into {optimal} transfers", chat.Replies.Single(r => r.StartsWith("🤝")));
        Assert.Equal(before, await chat.NetsAsync());
        var old = await chat.Store.ObligationsAsync(chat.ChatKey, 1, openOnly: false);
        Assert.All(old, o => Assert.Equal(ObligationState.Netted, o.State));
        Assert.Contains("↪ Bob owes 30.00 EUR · netted by a settle-up", chat.CardText(1));
        Assert.True(Ledger.VerifyChain(await chat.Store.JournalAsync(chat.ChatKey)));

        foreach (var transfer in plan)
        {
            var debtor = (await chat.Store.LoadChatAsync(chat.ChatKey))!.Members.Single(m => m.Key == transfer.Debtor).Name;
            await chat.PayAsync(debtor, 4);
        }

        Assert.All((await chat.NetsAsync()).Values, net => Assert.Equal(0, net));
        Assert.Contains("Status: settled", chat.CardText(4));
        await chat.SendAsync("Alice", "/settle");
        Assert.Equal("No open EUR debts: everyone is settled up.", chat.LastReply);
    }

    [Fact]
    public async Task Debts_that_cancel_out_settle_without_transfers()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/request @bob 10 EUR");
        await chat.SendAsync("Bob", "/request @alice 10 EUR");
        await chat.SendAsync("Carol", "/settle EUR");
        Assert.Contains("netted into 0 transfers", chat.LastReply);
        Assert.Empty(await chat.Store.ObligationsAsync(chat.ChatKey, null, openOnly: true));
    }
}
