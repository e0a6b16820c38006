using System.Net;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using static GroupPay.IntegrationTests.Telegram.TelegramHarness;

namespace GroupPay.IntegrationTests.Telegram;

/// <summary>What must not happen: unauthenticated webhooks, repeated updates, forged buttons; and the chat's life (removal, migration).</summary>
public sealed class TelegramEdgeTests
{
    private const string ChatKey = "telegram:-1002352533321";

    [Fact]
    public async Task Webhook_without_the_secret_or_with_a_wrong_one_is_refused_and_changes_nothing()
    {
        await using var tg = await StartAsync("Webhook", fake => fake.SetAdmins(Group, Alice.Id));
        var setWebhook = tg.Fake.Calls.Single(c => c.Method == "setWebhook");
        Assert.Equal(WebhookSecret, setWebhook.Params["secret_token"]!.GetValue<string>());
        Assert.Equal($"{tg.Host.BaseAddress.ToString().TrimEnd('/')}/api/telegram/webhook", setWebhook.Params["url"]!.GetValue<string>());
        Assert.Equal(40, setWebhook.Params["max_connections"]!.GetValue<int>());
        Assert.Equal(["message", "callback_query", "my_chat_member", "pre_checkout_query"],
            setWebhook.Params["allowed_updates"]!.AsArray().Select(u => u!.GetValue<string>()));

        var updateId = NextUpdateId();
        var update = Text(Group, Alice, "/split@GroupPayTestBot 10 EUR Pizza @me", updateId);
        foreach (var secret in new[] { null, "", "wrong-secret", WebhookSecret + "x", WebhookSecret[..^1] })
        {
            using var refused = await tg.PostWebhookAsync(update, secret);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await tg.DrainAsync();
        Assert.False(await tg.Host.Store.IsProcessedAsync($"telegram:update:{updateId}"));
        Assert.Null(await tg.Host.Store.LoadChatAsync(ChatKey));
        Assert.Empty(tg.Fake.Delivered(Group));

        using var accepted = await tg.PostWebhookAsync(update, WebhookSecret);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.True(await tg.Host.Store.IsProcessedAsync($"telegram:update:{updateId}"));
    }

    [Fact]
    public async Task One_update_delivered_three_times_in_sequence_or_at_once_has_one_effect()
    {
        await using var tg = await StartAsync("Webhook", fake => fake.SetAdmins(Group, Alice.Id));
        var inSequence = Text(Group, Alice, "/lottery@GroupPayTestBot 5 EUR 2 Once", NextUpdateId());
        for (var i = 0; i < 3; i++)
        {
            await tg.SendAsync(inSequence);
        }

        var atOnce = Text(Group, Alice, "/lottery@GroupPayTestBot 6 EUR 2 Twice", NextUpdateId());
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await tg.PostWebhookAsync(atOnce, WebhookSecret);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));
        await tg.DrainAsync();

        var flows = await tg.Host.Store.RecentFlowsAsync(ChatKey, 10, openOnly: false);
        Assert.Equal(["Once", "Twice"], flows.OrderBy(f => f.Number).Select(f => f.Description));
        Assert.Equal(2, tg.Fake.Delivered(Group).Count);

        // A button press delivered twice: one grab, one answer with the toast.
        var card = tg.Fake.Delivered(Group)[0];
        var press = Press(Group, Bob, card.MessageId!.Value, flows.Single(f => f.Description == "Once").Tokens["grab"], NextUpdateId());
        await Task.WhenAll(tg.SendAsync(press), tg.SendAsync(press), tg.SendAsync(press));
        Assert.Single(await tg.Host.Store.ObligationsAsync(ChatKey, flows.Single(f => f.Description == "Once").Number, openOnly: false));
        Assert.Single(tg.Fake.Answers, a => a.Params["text"]?.GetValue<string>().StartsWith("🧧 You got", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Forged_buttons_change_nothing_and_are_answered_with_a_clear_toast()
    {
        const long otherGroup = -1001650852901;
        await using var tg = await StartAsync("Webhook", fake =>
        {
            fake.SetAdmins(Group, Alice.Id);
            fake.SetAdmins(otherGroup, Carol.Id);
        });
        await tg.SendAsync(Text(otherGroup, Carol, "/split@GroupPayTestBot 50 EUR Elsewhere"));
        await tg.SendAsync(Text(Group, Alice, "/split@GroupPayTestBot 60 EUR Picnic"));
        var otherJoin = (await tg.Host.Store.LoadFlowAsync("telegram:-1001650852901", 1))!.Tokens["join"];
        var picnic = (await tg.Host.Store.LoadFlowAsync(ChatKey, 1))!;
        var card = tg.Fake.Delivered(Group).Single();
        var before = tg.Fake.Calls.Count(c => c.Method is "sendMessage" or "editMessageText");

        await tg.SendAsync(Press(Group, Bob, card.MessageId!.Value, otherJoin));
        await tg.SendAsync(Press(Group, Bob, card.MessageId!.Value, "AAAAAAAAAAAAAAAAAAAA"));
        await tg.SendAsync(Press(Group, Bob, card.MessageId!.Value, new string('x', 80)));
        await tg.SendAsync(Press(Group, Bob, card.MessageId!.Value, picnic.Tokens["close"]));

        Assert.Equal(
            [InvalidButtonToast, InvalidButtonToast, InvalidButtonToast, "Only Alice Liddell (who started #1) or an admin can do that."],
            tg.Fake.Answers.Select(a => a.Params["text"]!.GetValue<string>()));
        var after = (await tg.Host.Store.LoadFlowAsync(ChatKey, 1))!;
        Assert.Equal(picnic.State, after.State);
        Assert.Equal(picnic.Participants.Select(p => p.Member), after.Participants.Select(p => p.Member));
        Assert.Empty(await tg.Host.Store.ObligationsAsync(ChatKey, null, openOnly: false));
        Assert.Equal(before, tg.Fake.Calls.Count(c => c.Method is "sendMessage" or "editMessageText"));
        Assert.Equal("Gathering", (await tg.Host.Store.LoadFlowAsync("telegram:-1001650852901", 1))!.State);
    }

    private const string InvalidButtonToast = "This button is no longer valid.";

    [Fact]
    public async Task A_group_administrator_may_close_another_members_split()
    {
        await using var tg = await StartAsync("Polling", fake => fake.SetAdmins(Group, Alice.Id, Erin.Id));
        await tg.SendAsync(Text(Group, Bob, "/split@GroupPayTestBot 40 EUR Cake"));
        var flow = (await tg.Host.Store.LoadFlowAsync(ChatKey, 1))!;
        var card = tg.Fake.Delivered(Group).Single();
        await tg.SendAsync(Press(Group, Carol, card.MessageId!.Value, flow.Tokens["join"]));
        await tg.SendAsync(Press(Group, Erin, card.MessageId!.Value, flow.Tokens["close"]));

        Assert.Equal("#1 is closed.", tg.Fake.Answers[^1].Params["text"]!.GetValue<string>());
        var owed = Assert.Single(await tg.Host.Store.ObligationsAsync(ChatKey, 1, openOnly: true));
        Assert.Equal(("telegram:333", "telegram:222", 2000L), (owed.Debtor, owed.Creditor, owed.Minor));
        Assert.Contains(tg.Fake.Calls, c => c.Method == "getChatAdministrators" && c.ChatId == Group);
    }

    [Fact]
    public async Task A_removed_bot_stops_writing_to_the_chat_and_greets_again_when_added_back()
    {
        const long forbidden = -1009999999999;
        await using var tg = await StartAsync("Polling", fake => fake.SetAdmins(Group, Alice.Id));
        await tg.SendAsync(BotMembership(Group, Alice, "member", "kicked"));
        await tg.SendAsync(Text(Group, Alice, "/balance@GroupPayTestBot"));
        Assert.Empty(tg.Fake.Delivered(Group));
        Assert.DoesNotContain(tg.Fake.Calls, c => c.ChatId == Group && c.Method == "sendMessage");

        await tg.SendAsync(BotMembership(Group, Alice, "left", "administrator"));
        Assert.StartsWith("👋 Hi Alice Liddell!", Assert.Single(tg.Fake.Delivered(Group)).Text, StringComparison.Ordinal);

        // Telegram answers 403 (the bot was removed while we did not see it): one try, then nothing more goes there.
        tg.Fake.Forbid(forbidden);
        await tg.SendAsync(Text(forbidden, Alice, "/balance@GroupPayTestBot"));
        await tg.SendAsync(Text(forbidden, Alice, "/help@GroupPayTestBot"));
        Assert.Single(tg.Fake.Calls, c => c.ChatId == forbidden && c.Method == "sendMessage");
    }

    [Fact]
    public async Task A_group_upgraded_to_a_supergroup_keeps_its_debts_and_the_bot_follows_it()
    {
        const long basicGroup = -4726613835;
        const long supergroup = -1002352533322;
        await using var tg = await StartAsync("Webhook", fake => fake.SetAdmins(supergroup, Alice.Id));
        await tg.SendAsync(Text(basicGroup, Bob, "hi"));
        await tg.SendAsync(Text(basicGroup, Alice, "/split@GroupPayTestBot 20 EUR Tea @bob"));
        var owed = Assert.Single(await tg.Host.Store.ObligationsAsync("telegram:-4726613835", 1, openOnly: true));

        await tg.SendAsync(Migration(basicGroup, supergroup, Alice));
        await tg.SendAsync(Text(supergroup, Alice, "/balance@GroupPayTestBot"));

        var balance = Assert.Single(tg.Fake.Delivered(supergroup));
        Assert.Contains("+10.00 EUR  Alice Liddell", balance.Text, StringComparison.Ordinal);
        Assert.Contains("-10.00 EUR  Bob", balance.Text, StringComparison.Ordinal);

        // Paying the old debt: the confirmation and the card go to the supergroup (the card is posted anew there).
        await tg.PayInSandboxAsync($"{tg.Host.BaseAddress.ToString().TrimEnd('/')}/pay/{owed.PayToken}");
        Assert.Equal(["sendMessage", "sendMessage", "sendMessage"], tg.Fake.Delivered(supergroup).Select(c => c.Method));
        Assert.Single(tg.Fake.Delivered(basicGroup));
        Assert.Equal(ObligationState.Paid, (await tg.Host.Store.LoadObligationAsync(owed.Id))!.State);
    }

    [Fact]
    public async Task Export_sends_the_ledger_as_a_document_and_a_checkout_query_is_answered_at_once()
    {
        await using var tg = await StartAsync("Polling", fake => fake.SetAdmins(Group, Alice.Id));
        await tg.SendAsync(Text(Group, Bob, "hi"));
        await tg.SendAsync(Text(Group, Alice, "/split@GroupPayTestBot 20 EUR Tea & cake @bob"));
        await tg.SendAsync(Text(Group, Alice, "/export@GroupPayTestBot"));

        var document = tg.Fake.Delivered(Group).Single(c => c.Method == "sendDocument");
        Assert.Equal("Ledger export: 1 journal entries.", document.Params["caption"]!.GetValue<string>());
        Assert.EndsWith(".csv", document.Params["document"]!["file_name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Tea & cake", document.Params["document"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);

        await tg.SendAsync($$$"""{"update_id": {{{NextUpdateId()}}}, "pre_checkout_query": {"id": "4382bfdwdsb323b2d9", "from": {"id": 111, "is_bot": false, "first_name": "Ann"}, "currency": "USD", "total_amount": 1234, "invoice_payload": "shr_42_a1"}}""");
        var answer = tg.Fake.Calls.Single(c => c.Method == "answerPreCheckoutQuery");
        Assert.False(answer.Params["ok"]!.GetValue<bool>());
        Assert.Equal("4382bfdwdsb323b2d9", answer.Params["pre_checkout_query_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_private_chat_gets_answers_and_its_sender_counts_as_its_admin()
    {
        await using var tg = await StartAsync("Polling");
        await tg.SendAsync(Text(Bob.Id, Bob, "/settings currency USD"));
        Assert.Contains("USD", Assert.Single(tg.Fake.Delivered(Bob.Id)).Text, StringComparison.Ordinal);
        Assert.Equal("USD", (await tg.Host.Store.LoadChatAsync($"telegram:{Bob.Id}"))!.Settings.CurrencyCode);
        Assert.DoesNotContain(tg.Fake.Calls, c => c.Method == "getChatAdministrators");
    }
}
