using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Tests.Conversations;

public sealed class EngineGuaranteeTests
{
    [Fact]
    public async Task A_new_engine_over_the_same_file_resumes_every_open_flow()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 30 EUR Taxi");
        await chat.SendAsync("Alice", "/collect 20 EUR Dues @bob");
        await chat.SendAsync("Alice", "/lottery 10 EUR 2");
        await chat.SendAsync("Alice", "/raffle 5 EUR Prize");
        await chat.SendAsync("Alice", "/request @carol 7 EUR");

        chat.Restart();

        await chat.PressAsync("Bob", 1, "Join");
        await chat.PressAsync("Alice", 1, "Close");
        Assert.Contains("Bob owes 15.00 EUR", chat.CardText(1));
        await chat.PayAsync("Bob", 2);
        Assert.Contains("Status: complete", chat.CardText(2));
        await chat.PressAsync("Bob", 3, "Grab");
        await chat.PressAsync("Carol", 3, "Grab");
        Assert.Contains("all grabbed", chat.CardText(3));
        await chat.PressAsync("Bob", 4, "Join");
        await chat.PressAsync("Carol", 4, "Join");
        await chat.PressAsync("Alice", 4, "Draw");
        Assert.Contains("Winner", chat.CardText(4));
        await chat.PayAsync("Carol", 5);
        Assert.Contains("Status: paid", chat.CardText(5));
        Assert.True(Ledger.VerifyChain(await chat.Store.JournalAsync(chat.ChatKey)));
    }

    [Fact]
    public async Task The_same_dedupe_key_twice_changes_nothing()
    {
        await using var chat = await Conversation.StartAsync();
        var alice = Conversation.ActorOf("Alice");
        var first = await chat.Engine.HandleAsync(new TextInbound(chat.ChatKey, "update:77", alice, "/split 90 EUR Dinner @bob @carol"));
        var second = await chat.Engine.HandleAsync(new TextInbound(chat.ChatKey, "update:77", alice, "/split 90 EUR Dinner @bob @carol"));

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Empty(second.Outbox);
        Assert.Single(await chat.Store.RecentFlowsAsync(chat.ChatKey, 10, openOnly: false));

        var obligation = (await chat.Store.ObligationsAsync(chat.ChatKey, 1, openOnly: true))[0];
        for (var i = 0; i < 3; i++)
        {
            await chat.Engine.HandleAsync(new PaymentInbound(chat.ChatKey, "evt_same", obligation.Id, "sandbox", "pi_1"));
        }

        var entries = await chat.Store.JournalAsync(chat.ChatKey);
        Assert.Single(entries, e => e.Kind == EntryKind.PaymentConfirmed);
    }

    [Fact]
    public async Task Fifty_concurrent_presses_on_one_chat_are_each_applied_once()
    {
        var members = Enumerable.Range(1, 50).Select(i => $"M{i:D2}").Prepend("Alice").ToArray();
        await using var chat = await Conversation.StartAsync(members);
        await chat.SendAsync("Alice", "/collect 2 EUR Pizza");
        var join = chat.Button(1, "Join").Value;

        var presses = members.Skip(1).SelectMany(m => new[]
        {
            chat.Engine.HandleAsync(new ButtonInbound(chat.ChatKey, $"press:{m}", Conversation.ActorOf(m), join)),
            chat.Engine.HandleAsync(new ButtonInbound(chat.ChatKey, $"press:{m}", Conversation.ActorOf(m), join)),
        });
        var results = await Task.WhenAll(presses);

        Assert.Equal(50, results.Count(r => !r.Duplicate));
        var flow = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!;
        Assert.Equal(50, flow.Participants.Select(p => p.Member).Distinct().Count());
        Assert.Equal(50, (await chat.Store.ObligationsAsync(chat.ChatKey, 1, openOnly: true)).Count);
        var journal = await chat.Store.JournalAsync(chat.ChatKey);
        Assert.True(Ledger.VerifyChain(journal));
        Assert.Equal(10_000, Ledger.Balances(journal)["EUR"]["test:alice"]);
    }

    [Fact]
    public async Task Chat_commands_answer_without_changing_money()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Bob", "/start");
        Assert.StartsWith("👋 Hi Bob!", chat.LastReply);
        await chat.SendAsync("Bob", "/help split");
        Assert.StartsWith("/split <amount>", chat.LastReply);
        await chat.SendAsync("Bob", "/frobnicate");
        Assert.Contains("/help", chat.LastReply);
        await chat.SendAsync("Bob", "/split " + new string('9', 2000));
        Assert.NotEmpty(chat.LastReply);
        await chat.SendAsync("Bob", "/history");
        Assert.Equal("Nothing here yet. Try /split 90 EUR Dinner @bob @carol", chat.LastReply);
        await chat.SendAsync("Bob", "/balance");
        Assert.Contains("No debts yet", chat.LastReply);
        Assert.Empty(await chat.Store.JournalAsync(chat.ChatKey));
    }

    [Fact]
    public async Task History_and_export_describe_the_ledger()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/split 90 EUR =HYPERLINK(\"x\") @bob @carol");
        await chat.PayAsync("Bob", 1);

        await chat.SendAsync("Carol", "/history 5");
        Assert.True(chat.LastReply.Contains("#1 Split", StringComparison.Ordinal), chat.LastReply);
        Assert.Contains("💳 #1: Bob paid Alice 30.00 EUR", chat.LastReply);

        await chat.SendAsync("Carol", "/export");
        var csv = chat.Documents.Single().FileContent!;
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence,at,kind,flow,obligation,member,name,amount,currency,memo,hash", lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.Contains(lines, l => l.Contains(",ObligationCreated,1,", StringComparison.Ordinal) && l.Contains(",-30.00,EUR,", StringComparison.Ordinal));
        Assert.DoesNotContain(",=HYPERLINK", csv);
    }

    [Fact]
    public async Task Settings_are_admin_only_and_change_the_chat()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Bob", "/settings currency USD");
        Assert.Equal("Only admins can change settings.", chat.LastReply);

        await chat.SendAsync("Alice", "/settings currency USD");
        await chat.SendAsync("Alice", "/settings max-amount 50");
        await chat.SendAsync("Alice", "/settings who-can-start admins");
        await chat.SendAsync("Bob", "/split 10 @carol");
        Assert.Equal("Only admins can start payments in this chat.", chat.LastReply);
        await chat.SendAsync("Alice", "/settings admins add @bob");
        Assert.Equal("Bob is now an admin.", chat.LastReply);
        await chat.SendAsync("Bob", "/split 60 @carol");
        Assert.Contains("above this chat's limit of 50.00 USD", chat.LastReply);
        await chat.SendAsync("Bob", "/split 10 @carol");
        Assert.Contains("Carol owes 5.00 USD", chat.CardText(1));

        await chat.SendAsync("Alice", "/settings language zh");
        await chat.SendAsync("Alice", "/balance");
        Assert.Contains("余额", chat.LastReply);
        await chat.SendAsync("Carol", "/settings");
        Assert.Contains("USD", chat.LastReply);
    }

    [Fact]
    public async Task Payme_saves_where_a_member_is_paid()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Bob", "/payme paypal bobsmith");
        Assert.Equal("Saved: Bob is paid by paypal at bobsmith.", chat.LastReply);
        var chatRecord = await chat.Store.LoadChatAsync(chat.ChatKey);
        Assert.Contains(chatRecord!.Payouts, p => p.Member == "test:bob" && p.Kind == "paypal" && p.Handle == "bobsmith");
    }

    [Fact]
    public async Task A_payment_claim_waits_for_the_creditor()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/request @bob 10 EUR Lunch");
        var obligation = await chat.ObligationBehindPayButtonAsync("Bob", 1);

        await chat.RecordAsync(await chat.Engine.HandleAsync(new PaymentClaimInbound(chat.ChatKey, "claim:1", obligation.Id)));
        Assert.Contains("🕓 Bob says they paid Alice 10.00 EUR (#1).", chat.LastReply);
        Assert.Contains("🕓 Bob → Alice", chat.CardText(1));
        var card = chat.Card(1);
        Assert.NotNull(card);
        Assert.Equal(-1000, (await chat.NetsAsync())["Bob"]);
        await chat.PressAsync("Alice", 1, "Alice got it");
        Assert.Equal(0, (await chat.NetsAsync())["Bob"]);
    }

    [Fact]
    public async Task Every_English_message_has_a_Chinese_one()
    {
        await Task.CompletedTask;
        var english = GroupPay.Dialogs.Text.Catalog.For("en").Keys.ToHashSet();
        var chinese = GroupPay.Dialogs.Text.Catalog.For("zh").Keys.ToHashSet();
        Assert.Empty(english.Except(chinese));
    }
}
