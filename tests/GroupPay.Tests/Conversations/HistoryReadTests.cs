using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Tests.Conversations;

/// <summary>
/// /history shows the newest flows and payments of a chat without reading its whole history: the flows are loaded by
/// number (they are numbered from 1 as they are made), the payments read from the journal's end, only as far back as
/// the answer needs.
/// </summary>
public sealed class HistoryReadTests
{
    [Fact]
    public async Task History_loads_the_newest_flows_by_number_and_reads_the_journal_only_from_its_end()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol");
        await LunchesAsync(chat, 1);
        await chat.PayAsync("Bob", 139);
        await chat.PayAsync("Carol", 140);
        await chat.PayAsync("Bob", 140);
        var committed = (await chat.Store.LoadChatAsync(chat.ChatKey))!.LedgerSequence;
        Assert.True(committed > 256);

        var (reply, counts) = await HistoryAsync(chat, 3);

        Assert.Equal(0, counts.Of(nameof(IGroupPayStore.RecentFlowsAsync)));
        Assert.Equal(0, counts.Of(nameof(IGroupPayStore.JournalAsync)));
        Assert.Equal([140, 139, 138], (IReadOnlyCollection<int>)Assert.Single(counts.ArgumentsOf(nameof(IGroupPayStore.LoadFlowsAsync)))[1]!);
        Assert.Equal([committed - 256], counts.ArgumentsOf(nameof(IGroupPayStore.JournalAfterAsync)).Select(args => (long)args[1]!));
        await AssertAsExpectedAsync(chat, 3, reply);
        Assert.Contains("#140 Split Lunch 140", reply);
        Assert.DoesNotContain("#137 ", reply);
        Assert.Contains("💳 #139: Bob paid Alice", reply);
    }

    [Fact]
    public async Task Payments_further_back_are_found_by_reading_further_back()
    {
        await using var chat = await CinemaPaidByCarolAsync();
        var committed = await LunchesAsync(chat, 2);
        var (reply, counts) = await HistoryAsync(chat, 5);

        Assert.Equal([committed - 256, 0L], counts.ArgumentsOf(nameof(IGroupPayStore.JournalAfterAsync)).Select(args => (long)args[1]!));
        await AssertAsExpectedAsync(chat, 5, reply);
        Assert.Contains("💳 #1: Carol paid Alice 10.00 EUR", reply);
    }

    [Fact]
    public async Task A_short_history_lists_what_there_is()
    {
        await using var chat = await CinemaPaidByCarolAsync();

        var (reply, counts) = await HistoryAsync(chat, 10);

        Assert.Equal([1], (IReadOnlyCollection<int>)Assert.Single(counts.ArgumentsOf(nameof(IGroupPayStore.LoadFlowsAsync)))[1]!);
        Assert.Equal([0L], counts.ArgumentsOf(nameof(IGroupPayStore.JournalAfterAsync)).Select(args => (long)args[1]!));
        await AssertAsExpectedAsync(chat, 10, reply);
    }

    private static async Task<Conversation> CinemaPaidByCarolAsync()
    {
        var chat = await Conversation.StartAsync("Alice", "Bob", "Carol");
        await chat.SendAsync("Alice", "/split 30 EUR Cinema @bob @carol");
        await chat.PayAsync("Carol", 1);
        return chat;
    }

    /// <summary>Splits #<paramref name="first"/> to #140, two debts each; returns the ledger's last sequence number.</summary>
    private static async Task<long> LunchesAsync(Conversation chat, int first)
    {
        for (var i = first; i <= 140; i++)
        {
            await chat.SendAsync("Alice", $"/split {10 + i} EUR Lunch {i} @bob @carol");
        }

        return (await chat.Store.LoadChatAsync(chat.ChatKey))!.LedgerSequence;
    }

    private static async Task<(string Reply, CountingStore Counts)> HistoryAsync(Conversation chat, int count)
    {
        var (store, counts) = CountingStore.Wrap(chat.Store);
        var engine = new DialogEngine(store, chat.Clock, chat.Options, chat.Log);
        var result = await engine.HandleAsync(new TextInbound(chat.ChatKey, $"msg:history:{count}", Conversation.ActorOf("Bob"), $"/history {count}", "GroupPayBot"));
        await chat.RecordAsync(null);
        return (Assert.Single(result.Outbox, item => item.Card is not null).Card!.Text, counts);
    }

    /// <summary>
    /// What /history showed when it read every flow and the whole journal: the newest flows' numbers and the newest
    /// payments' lines, each newest first; checked against the card's lines.
    /// </summary>
    private static async Task AssertAsExpectedAsync(Conversation chat, int count, string reply)
    {
        var flows = (await chat.Store.RecentFlowsAsync(chat.ChatKey, int.MaxValue, openOnly: false)).Take(count).Select(f => f.Number);
        var record = (await chat.Store.LoadChatAsync(chat.ChatKey))!;
        var payments = (await chat.Store.JournalAsync(chat.ChatKey)).Where(e => e.Kind == EntryKind.PaymentConfirmed).TakeLast(count).Reverse()
            .Select(e => $"💳 #{e.FlowNumber}: {record.NameOf(e.Postings.First(p => p.Minor > 0).Account)} paid {record.NameOf(e.Postings.First(p => p.Minor < 0).Account)} "
                + MoneyFormatter.Format(Money.FromMinor(e.Postings.First(p => p.Minor > 0).Minor, Currency.Get(e.CurrencyCode)), "en"));
        var lines = reply.Split('\n');
        Assert.Equal(flows, lines.Where(l => l.StartsWith('#')).Select(l => int.Parse(l[1..l.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(payments, lines.Where(l => l.StartsWith("💳", StringComparison.Ordinal)));
    }
}
