using System.Net;
using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using GroupPay.IntegrationTests.Telegram;
using GroupPay.Payments;

namespace GroupPay.ReliabilityTests.Concurrency;

/// <summary>
/// Race tests over the real host and real HTTP (Telegram webhook): many presses or commands arrive at the same moment
/// on one chat; per-chat serialisation and versioned commits must give exactly the result of some serial order.
/// </summary>
public sealed class ConcurrencyTests
{
    private const long Group = -1001777000222;
    private const string ChatKey = "telegram:-1001777000222";

    [Fact]
    public async Task A_hundred_members_grabbing_a_ten_share_red_packet_at_once_get_exactly_ten_grabs_that_sum_to_the_pot()
    {
        await using var telegram = await TelegramHarness.StartAsync("Webhook", fake => fake.GroupLimit = int.MaxValue);
        var members = Enumerable.Range(1, 100).Select(i => new TgUser(10_000 + i, $"Member{i}", $"member{i}")).ToList();
        await telegram.SendAsync(TelegramHarness.Text(Group, TelegramHarness.Alice, "/lottery 100 EUR 10 Lucky money"));
        var grab = CallbackData(telegram.Fake, "Grab", out var messageId);

        var presses = members.Select(m => telegram.PostWebhookAsync(TelegramHarness.Press(Group, m, messageId, grab), TelegramHarness.WebhookSecret)).ToList();
        foreach (var response in await Task.WhenAll(presses))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        await telegram.DrainAsync();
        var flow = (await telegram.Host.Store.RecentFlowsAsync(ChatKey, 10, openOnly: false)).Single(f => f.Kind == FlowKind.Lottery);
        Assert.Equal(10, flow.Participants.Count);
        Assert.Equal(10, flow.Participants.Select(p => p.Member).Distinct().Count());
        Assert.Equal(10_000, flow.Participants.Sum(p => p.Minor));
        var obligations = await telegram.Host.Store.ObligationsAsync(ChatKey, flow.Number, openOnly: false);
        Assert.Equal(10, obligations.Count);
        Assert.Equal(10_000, obligations.Sum(o => o.Minor));
        await telegram.WaitForAsync(() => telegram.Fake.Answers.Count == members.Count);
        AssertAudit(await StoreAuditor.AuditChatAsync(telegram.Host.Store, ChatKey));
        Scale.Report("concurrency-red-packet", ("grabbers", members.Count), ("grabs", flow.Participants.Count), ("failures", 0));
    }

    [Fact]
    public async Task Fifty_concurrent_received_presses_on_fifty_obligations_are_all_recorded()
    {
        await using var telegram = await TelegramHarness.StartAsync("Webhook", fake => fake.GroupLimit = int.MaxValue);
        var debtors = Enumerable.Range(1, 50).Select(i => new TgUser(20_000 + i, $"Debtor{i}", $"debtor{i}")).ToList();
        foreach (var debtor in debtors)
        {
            await telegram.SendAsync(TelegramHarness.Text(Group, debtor, "/balance"));
        }

        foreach (var debtor in debtors)
        {
            await telegram.SendAsync(TelegramHarness.Text(Group, TelegramHarness.Alice, $"/request @{debtor.Username} 7 EUR Tickets"));
        }

        var received = telegram.Fake.Calls.Where(c => c.Method == "sendMessage" && c.Status == 200)
            .SelectMany(c => c.Buttons.Where(b => b["text"]!.GetValue<string>().Contains("got it", StringComparison.Ordinal)
                                                  && b["callback_data"] is not null)
                .Select(b => (c.MessageId!.Value, Data: b["callback_data"]!.GetValue<string>())))
            .DistinctBy(p => p.Data).ToList();
        Assert.Equal(50, received.Count);

        var presses = received.Select(p => telegram.PostWebhookAsync(TelegramHarness.Press(Group, TelegramHarness.Alice, p.Value, p.Data), TelegramHarness.WebhookSecret));
        foreach (var response in await Task.WhenAll(presses))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        await telegram.DrainAsync();
        var obligations = await telegram.Host.Store.ObligationsAsync(ChatKey, null, openOnly: false);
        Assert.Equal(50, obligations.Count);
        Assert.All(obligations, o => Assert.Equal(ObligationState.Paid, o.State));
        var journal = await telegram.Host.Store.JournalAsync(ChatKey);
        Assert.Equal(50, journal.Count(e => e.Kind == EntryKind.PaymentConfirmed));
        AssertAudit(await StoreAuditor.AuditChatAsync(telegram.Host.Store, ChatKey));
        Scale.Report("concurrency-received", ("presses", received.Count), ("recorded", obligations.Count(o => o.State == ObligationState.Paid)), ("failures", 0));
    }

    [Fact]
    public async Task Two_admins_changing_one_setting_at_once_leave_one_consistent_result()
    {
        await using var telegram = await TelegramHarness.StartAsync("Webhook", fake =>
        {
            fake.GroupLimit = int.MaxValue;
            fake.SetAdmins(Group, TelegramHarness.Alice.Id, TelegramHarness.Bob.Id);
        });
        await telegram.SendAsync(TelegramHarness.Text(Group, TelegramHarness.Alice, "/balance"), TelegramHarness.Text(Group, TelegramHarness.Bob, "/balance"));
        var rounds = 0;
        foreach (var (alice, bob) in new[] { ("USD", "GBP"), ("JPY", "CHF"), ("SEK", "NOK"), ("EUR", "PLN") })
        {
            var both = await Task.WhenAll(
                telegram.PostWebhookAsync(TelegramHarness.Text(Group, TelegramHarness.Alice, $"/settings currency {alice}"), TelegramHarness.WebhookSecret),
                telegram.PostWebhookAsync(TelegramHarness.Text(Group, TelegramHarness.Bob, $"/settings currency {bob}"), TelegramHarness.WebhookSecret));
            Assert.All(both, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            await telegram.DrainAsync();
            var chat = await telegram.Host.Store.LoadChatAsync(ChatKey);
            Assert.Contains(chat!.Settings.CurrencyCode, new[] { alice, bob });
            // The chat says last what it holds: the later of the two confirmations names the currency that stayed.
            var confirmations = telegram.Fake.Delivered(Group).Where(c => c.Method == "sendMessage" && c.Text is { } text
                && (text.Contains(alice, StringComparison.Ordinal) || text.Contains(bob, StringComparison.Ordinal))).ToList();
            Assert.Contains(chat.Settings.CurrencyCode, confirmations[^1].Text!, StringComparison.Ordinal);
            rounds++;
        }

        // Two different settings at once: neither change is lost.
        await Task.WhenAll(
            telegram.PostWebhookAsync(TelegramHarness.Text(Group, TelegramHarness.Alice, "/settings currency CHF"), TelegramHarness.WebhookSecret),
            telegram.PostWebhookAsync(TelegramHarness.Text(Group, TelegramHarness.Bob, "/settings language zh"), TelegramHarness.WebhookSecret));
        var final = await telegram.Host.Store.LoadChatAsync(ChatKey);
        Assert.Equal("CHF", final!.Settings.CurrencyCode);
        Assert.Equal("zh", final.Settings.Language);
        Scale.Report("concurrency-settings", ("rounds", rounds + 1), ("failures", 0));
    }

    private static void AssertAudit(ChatAudit audit) => Assert.True(audit.Holds, string.Join("; ", audit.Problems));

    private static string CallbackData(FakeBotApi fake, string label, out int messageId)
    {
        var card = fake.Calls.Last(c => c.Method == "sendMessage" && c.Buttons.Any(b => b["text"]!.GetValue<string>().Contains(label, StringComparison.OrdinalIgnoreCase)));
        messageId = card.MessageId!.Value;
        return card.Buttons.First(b => b["text"]!.GetValue<string>().Contains(label, StringComparison.OrdinalIgnoreCase))["callback_data"]!.GetValue<string>();
    }
}
