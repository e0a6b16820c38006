using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using static GroupPay.IntegrationTests.Telegram.TelegramHarness;

namespace GroupPay.IntegrationTests.Telegram;

/// <summary>Whole conversations in a Telegram group, through the real host and a fake Bot API, in both modes.</summary>
public sealed class TelegramConversationTests
{
    private const string ChatKey = "telegram:-1002352533321";

    /// <summary>A keyboard as rows of "url …" / "cb …", to compare with what the store says the buttons must be.</summary>
    internal static string[][] Rows(ApiCall call) =>
        call.Keyboard?.Select(row => row!.AsArray().Select(b => b!["url"] is { } url ? $"url {url}" : $"cb {b!["callback_data"]}").ToArray()).ToArray() ?? [];

    private static async Task<FlowRecord> FlowAsync(TelegramHarness tg, int number) => (await tg.Host.Store.LoadFlowAsync(ChatKey, number))!;

    private static async Task<Obligation> OwedByAsync(TelegramHarness tg, int flow, TgUser debtor) =>
        (await tg.Host.Store.ObligationsAsync(ChatKey, flow, openOnly: false)).Single(o => o.Debtor == $"telegram:{debtor.Id}");

    private static string PayUrl(TelegramHarness tg, Obligation obligation) => $"{tg.Host.BaseAddress.ToString().TrimEnd('/')}/pay/{obligation.PayToken}";

    [Theory]
    [InlineData("Polling")]
    [InlineData("Webhook")]
    public async Task A_split_is_announced_with_escaped_text_and_pay_buttons_and_paid_through_the_sandbox(string mode)
    {
        await using var tg = await StartAsync(mode, fake => fake.SetAdmins(Group, Alice.Id));

        // Alice adds the bot: it greets the group.
        await tg.SendAsync(BotMembership(Group, Alice, "left", "member"));
        var greeting = Assert.Single(tg.Fake.Delivered(Group));
        Assert.Equal("sendMessage", greeting.Method);
        Assert.Equal("Html", greeting.Params["parse_mode"]!.GetValue<string>(), ignoreCase: true);
        Assert.StartsWith("👋 Hi Alice Liddell! I'm GroupPay", greeting.Text, StringComparison.Ordinal);

        // Bob speaks (and so is known by his username); Dave has no username and is named by a text_mention entity.
        await tg.SendAsync(Text(Group, Bob, "hi all"));
        const string command = "/split@GroupPayTestBot 90 EUR Dinner & <drinks> @bob Dave";
        await tg.SendAsync(Text(Group, Alice, command, entities: TextMention("Dave", command, Dave)));
        await tg.SendAsync(Text(Group, Alice, "/split@OtherBot 10 EUR Not for us @bob"));

        var card = tg.Fake.Delivered(Group)[1];
        Assert.Equal(2, tg.Fake.Delivered(Group).Count);
        Assert.Equal("sendMessage", card.Method);
        Assert.Equal(Group, card.ChatId);
        Assert.StartsWith("<b>🧾 #1 Dinner &amp; &lt;drinks&gt; · 90.00 EUR</b>\nAlice Liddell paid 90.00 EUR.\n⏳ Bob owes 30.00 EUR · open\n⏳ Dave owes 30.00 EUR · open\n", card.Text, StringComparison.Ordinal);
        var flow = await FlowAsync(tg, 1);
        var bob = await OwedByAsync(tg, 1, Bob);
        var dave = await OwedByAsync(tg, 1, Dave);
        Assert.Equal(
            [
                [$"url {PayUrl(tg, bob)}", $"cb {flow.Tokens[$"received:{bob.Id}"]}"],
                [$"url {PayUrl(tg, dave)}", $"cb {flow.Tokens[$"received:{dave.Id}"]}"],
                [$"cb {flow.Tokens["cancel"]}"],
            ],
            Rows(card));
        Assert.Equal("💳 Bob pays 30.00 EUR", card.Buttons.First()["text"]!.GetValue<string>());

        // Bob opens his pay button's link and pays in the sandbox: one confirmation line, and the card is edited in place.
        await tg.PayInSandboxAsync(PayUrl(tg, bob));

        var after = tg.Fake.Delivered(Group).Skip(2).ToList();
        Assert.Equal(["sendMessage", "editMessageText"], after.Select(c => c.Method));
        Assert.Contains("Bob", after[0].Text, StringComparison.Ordinal);
        Assert.Contains("30.00 EUR", after[0].Text, StringComparison.Ordinal);
        Assert.Equal(card.Params["chat_id"]!.ToString(), after[1].Params["chat_id"]!.ToString());
        Assert.Equal(card.MessageId, after[1].Params["message_id"]!.GetValue<int>());
        Assert.Contains("✅ Bob", after[1].Text, StringComparison.Ordinal);
        Assert.Equal(
            [
                [$"url {PayUrl(tg, dave)}", $"cb {flow.Tokens[$"received:{dave.Id}"]}"],
                [$"cb {flow.Tokens["cancel"]}"],
            ],
            Rows(after[1]));
        var paid = await OwedByAsync(tg, 1, Bob);
        Assert.Equal(ObligationState.Paid, paid.State);
        Assert.Equal("sandbox", paid.PaidVia);
    }

    [Theory]
    [InlineData("Polling")]
    [InlineData("Webhook")]
    public async Task A_collect_reminds_the_members_who_have_not_paid_when_the_organiser_taps_Remind(string mode)
    {
        await using var tg = await StartAsync(mode, fake => fake.SetAdmins(Group, Alice.Id));
        await tg.SendAsync(Text(Group, Bob, "hello"), Text(Group, Carol, "hello"));
        await tg.SendAsync(Text(Group, Alice, "/collect@GroupPayTestBot 12.50 EUR Gift for Erin @bob @carol"));
        var card = tg.Fake.Delivered(Group).Single();
        var flow = await FlowAsync(tg, 1);
        var bob = await OwedByAsync(tg, 1, Bob);
        var carol = await OwedByAsync(tg, 1, Carol);
        Assert.Equal(
            [
                [$"url {PayUrl(tg, bob)}", $"cb {flow.Tokens[$"received:{bob.Id}"]}"],
                [$"url {PayUrl(tg, carol)}", $"cb {flow.Tokens[$"received:{carol.Id}"]}"],
                [$"cb {flow.Tokens["join"]}", $"cb {flow.Tokens["remind"]}"],
                [$"cb {flow.Tokens["close"]}", $"cb {flow.Tokens["cancel"]}"],
            ],
            Rows(card));
        var messageId = card.MessageId!.Value;

        await tg.PayInSandboxAsync(PayUrl(tg, bob));
        await tg.SendAsync(Press(Group, Alice, messageId, flow.Tokens["remind"]));

        var reminder = tg.Fake.Delivered(Group).Last(c => c.Method == "sendMessage");
        Assert.Equal("⏰ Reminder for #1 Gift for Erin: 12.50 EUR each to Alice Liddell is still open for Carol.", reminder.Text);
        Assert.Equal("Reminder sent.", tg.Fake.Answers[^1].Params["text"]!.GetValue<string>());
        Assert.Equal(ObligationState.Paid, (await OwedByAsync(tg, 1, Bob)).State);
        Assert.True((await OwedByAsync(tg, 1, Carol)).IsOpen);
    }

    [Theory]
    [InlineData("Polling")]
    [InlineData("Webhook")]
    public async Task A_red_packet_grabbed_by_five_members_at_once_gives_each_one_share_and_empties(string mode)
    {
        await using var tg = await StartAsync(mode, fake => fake.SetAdmins(Group, Alice.Id));
        await tg.SendAsync(Text(Group, Alice, "/lottery@GroupPayTestBot 10 EUR 5 Lucky <money>"));
        var card = tg.Fake.Delivered(Group).Single();
        Assert.StartsWith("<b>🧧 #1 Lucky &lt;money&gt; · 10.00 EUR</b>", card.Text, StringComparison.Ordinal);
        var grab = (await FlowAsync(tg, 1)).Tokens["grab"];
        Assert.Equal($"cb {grab}", Rows(card)[0][0]);

        TgUser[] grabbers = [Bob, Carol, Dave, Erin, Frank];
        var presses = grabbers.Select(u => Press(Group, u, card.MessageId!.Value, grab)).ToArray();
        if (mode == "Webhook")
        {
            await Task.WhenAll(presses.Select(async p =>
            {
                using var response = await tg.PostWebhookAsync(p, WebhookSecret);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }));
            await tg.DrainAsync();
        }
        else
        {
            await tg.SendAsync(presses);
        }

        var obligations = await tg.Host.Store.ObligationsAsync(ChatKey, 1, openOnly: false);
        // The organiser owes each grabber their share (SPEC §3).
        Assert.Equal(grabbers.Select(u => $"telegram:{u.Id}").Order(), obligations.Select(o => o.Creditor).Order());
        Assert.All(obligations, o => Assert.Equal("telegram:111", o.Debtor));
        Assert.Equal(1000, obligations.Sum(o => o.Minor));
        Assert.Equal(5, tg.Fake.Answers.Count);
        Assert.All(tg.Fake.Answers, a => Assert.StartsWith("🧧 You got ", a.Params["text"]!.GetValue<string>(), StringComparison.Ordinal));
        // A webhook answers each press in the body of its 200; polling has no reply to put it in and calls the API.
        Assert.All(tg.Fake.Answers, a => Assert.Equal(mode == "Webhook", a.ViaWebhookReply));
        var shown = tg.Fake.MessageText(Group, card.MessageId!.Value)!;
        Assert.Contains("Grabbed: 5 of 5", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(tg.Fake.Delivered(Group)[^1].Buttons, b => b["callback_data"]?.GetValue<string>() == grab);
    }

    [Theory]
    [InlineData("Polling")]
    [InlineData("Webhook")]
    public async Task A_transfer_and_a_settle_up_post_pay_links_to_the_right_people(string mode)
    {
        await using var tg = await StartAsync(mode, fake => fake.SetAdmins(Group, Alice.Id));
        await tg.SendAsync(Text(Group, Alice, "hello"), Text(Group, Bob, "hello"), Text(Group, Carol, "hello"));
        await tg.SendAsync(Text(Group, Bob, "/transfer@GroupPayTestBot @alice 15 EUR Taxi"));
        var transfer = tg.Fake.Delivered(Group).Single();
        var bobPays = await OwedByAsync(tg, 1, Bob);
        Assert.Equal("telegram:111", bobPays.Creditor);
        Assert.Contains($"url {PayUrl(tg, bobPays)}", Rows(transfer).SelectMany(r => r));

        // Alice paid a dinner for three; Carol owes Alice, Alice owes Bob → settle-up nets them into fewer transfers.
        await tg.SendAsync(Text(Group, Alice, "/split@GroupPayTestBot 30 EUR Lunch @bob @carol"));
        await tg.SendAsync(Text(Group, Carol, "/settle@GroupPayTestBot EUR"));

        var plan = (await tg.Host.Store.RecentFlowsAsync(ChatKey, 1, openOnly: false)).Single();
        Assert.Equal(FlowKind.SettleUp, plan.Kind);
        var planObligations = await tg.Host.Store.ObligationsAsync(ChatKey, plan.Number, openOnly: true);
        var planCard = tg.Fake.Delivered(Group).Where(c => c.Method == "sendMessage").Single(c => c.Text!.StartsWith($"<b>🤝 #{plan.Number}", StringComparison.Ordinal));
        Assert.Equal(planObligations.Select(o => $"url {PayUrl(tg, o)}").Order(), Rows(planCard).SelectMany(r => r).Where(b => b.StartsWith("url", StringComparison.Ordinal)).Order());
        Assert.Contains(tg.Fake.Delivered(Group), c => c.Text?.StartsWith($"🤝 #{plan.Number}: 3 open EUR debts are netted into", StringComparison.Ordinal) == true);
        var nets = Ledger.Balances(await tg.Host.Store.JournalAsync(ChatKey))["EUR"];
        Assert.Equal(0, nets.Values.Sum());
    }
}
