using System.Net;
using GroupPay.IntegrationTests.Telegram;

namespace GroupPay.ReliabilityTests.Outbound;

/// <summary>
/// The fake Bot API fails 30 % of message calls: with a 5xx, or by holding its answer past the client's timeout, either
/// before or after the call took effect. Every card must still reach the state it reaches without faults, and no message
/// may appear twice: the outbox keeps the platform's message id and a retry edits instead of sending again.
/// </summary>
public sealed class OutboundFaultTests
{
    private const long Group = -1001555000333;
    private const string ChatKey = "telegram:-1001555000333";

    [Fact]
    public async Task Cards_reach_their_final_state_and_nothing_is_sent_twice_when_thirty_percent_of_sends_fail_before_taking_effect()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var control = await RunAsync(null);
        var faulty = await RunAsync(_ =>
        {
            lock (random)
            {
                return random.NextDouble() < 0.3 ? (SendFault)random.Next(2) : null;
            }
        });

        Report("outbound-faults-5xx-and-timeouts", seed, faulty, control);
        Assert.NotEmpty(faulty.Faults);
        Assert.Equal(control.Final, faulty.Final);
        Assert.Equal(0, faulty.Duplicates);
    }

    /// <summary>
    /// A send whose answer is lost after Telegram took it is ambiguous, and the Bot API has no idempotency key for
    /// <c>sendMessage</c>: the outbox then sends again (at-least-once, so a payment card is never lost). Edits are
    /// idempotent ("message is not modified" counts as done), so only a lost answer to a first send can show a message
    /// twice, and the card the outbox kept the id of still reaches its final state.
    /// </summary>
    [Fact]
    public async Task With_answers_lost_after_taking_effect_only_ambiguous_first_sends_repeat_and_every_kept_card_reaches_its_final_state()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var ambiguousSends = 0;
        var control = await RunAsync(null);
        var faulty = await RunAsync(method =>
        {
            lock (random)
            {
                var fault = random.NextDouble() < 0.3 ? (SendFault)random.Next(3) : (SendFault?)null;
                if (fault == SendFault.TimeoutAfterEffect && method == "sendMessage")
                {
                    ambiguousSends++;
                }

                return fault;
            }
        });

        Report("outbound-faults-with-lost-answers", seed, faulty, control);
        TestContext.Current.SendDiagnosticMessage($"ambiguous first sends: {ambiguousSends}");
        Assert.Contains(SendFault.TimeoutAfterEffect, faulty.Faults);
        Assert.Equal(control.Final, faulty.Final);
        Assert.InRange(faulty.Duplicates, 0, ambiguousSends);
    }

    private static void Report(string name, int seed, Outcome faulty, Outcome control) =>
        Scale.Report(name, ("seed", seed), ("cards", Scale.OutboundCards), ("message_calls", faulty.Calls),
            ("faults_5xx", faulty.Faults.Count(f => f == SendFault.ServerError)),
            ("faults_timeout_before_effect", faulty.Faults.Count(f => f == SendFault.TimeoutBeforeEffect)),
            ("faults_timeout_after_effect", faulty.Faults.Count(f => f == SendFault.TimeoutAfterEffect)),
            ("duplicate_messages", faulty.Duplicates), ("cards_not_final", faulty.Final.Count(f => control.Final[f.Key] != f.Value)));

    private static async Task<Outcome> RunAsync(Func<string, SendFault?>? faults)
    {
        await using var telegram = await TelegramHarness.StartAsync("Webhook", fake =>
        {
            fake.GroupLimit = int.MaxValue;
            fake.FaultDelay = TimeSpan.FromSeconds(1.5);
        }, ("Telegram:Limits:RequestTimeout", "00:00:00.500"), ("Telegram:Limits:ChatInterval", "00:00:00"));
        await telegram.SendAsync(
            TelegramHarness.Text(Group, TelegramHarness.Alice, "/balance"),
            TelegramHarness.Text(Group, TelegramHarness.Bob, "/balance"),
            TelegramHarness.Text(Group, TelegramHarness.Carol, "/balance"));
        var setupCalls = telegram.Fake.Calls.Count;
        telegram.Fake.Faults = faults;
        for (var i = 1; i <= Scale.OutboundCards; i++)
        {
            await telegram.SendAsync(TelegramHarness.Text(Group, TelegramHarness.Alice, $"/split {2 * i} EUR o{i}x @bob @carol"));
        }

        // Half the flows are paid in full (their cards end settled), the others once (their cards end half paid).
        var obligations = await telegram.Host.Store.ObligationsAsync(ChatKey, null, openOnly: false);
        using var browser = telegram.Host.Client();
        foreach (var obligation in obligations.Where(o => o.FlowNumber % 2 == 0 || o.Debtor == "telegram:222"))
        {
            using var paid = await browser.PostAsync($"/pay/{obligation.PayToken}/sandbox", new FormUrlEncodedContent([KeyValuePair.Create("action", "pay")]));
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        }

        await telegram.DrainAsync();
        var applied = telegram.Fake.Calls.Skip(setupCalls).Where(c => c.Method == "sendMessage" && c.Status == 200 && c.ChatId == Group).ToList();
        // A repeated card or text shows up as two sends of the same text (every card and text here is unique by content).
        var duplicates = applied.GroupBy(c => c.Text).Sum(g => g.Count() - 1);
        foreach (var repeated in applied.GroupBy(c => c.Text).Where(g => g.Count() > 1))
        {
            TestContext.Current.SendDiagnosticMessage($"sent {repeated.Count()} times: {repeated.Key!.ReplaceLineEndings(" | ")} [{string.Join(",", repeated.Select(c => c.MessageId))}]");
        }
        var final = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i <= Scale.OutboundCards; i++)
        {
            var cards = applied.Where(c => c.Keyboard is not null && c.Text!.Contains($"o{i}x", StringComparison.Ordinal)).ToList();
            final[$"o{i}x"] = cards.Count == 0 ? "(never sent)" : telegram.Fake.MessageText(Group, cards[^1].MessageId!.Value) ?? "(gone)";
        }

        return new Outcome(final, duplicates, telegram.Fake.InjectedFaults, telegram.Fake.Calls.Count(c => c.Method is "sendMessage" or "editMessageText"));
    }

    private sealed record Outcome(SortedDictionary<string, string> Final, int Duplicates, IReadOnlyList<SendFault> Faults, int Calls);
}
