using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Conversations;

/// <summary>
/// /balance sums the journal, as SPEC says, but remembers the sums: each /balance reads only the entries after the
/// last one it summed, not the group's whole history.
/// </summary>
public sealed class BalanceTests
{
    [Fact]
    public async Task A_balance_reads_only_the_journal_entries_after_the_last_one_it_summed()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol", "Dave");
        await PlayAsync(chat);
        var (store, counts) = CountingStore.Wrap(chat.Store);
        var engine = new DialogEngine(store, chat.Clock, chat.Options, chat.Log);

        var first = await BalanceAsync(engine, chat, "first");
        var summedThrough = (await chat.Store.LoadChatAsync(chat.ChatKey))!.LedgerSequence;
        await chat.PayAsync("Carol", 1);
        var second = await BalanceAsync(engine, chat, "second");

        Assert.Equal(0, counts.Of(nameof(IGroupPayStore.JournalAsync)));
        Assert.Equal([0L, summedThrough], counts.ArgumentsOf(nameof(IGroupPayStore.JournalAfterAsync)).Select(args => (long)args[1]!));
        Assert.Contains("+30.00 EUR  Alice", first);
        Assert.Contains("-15.00 EUR  Carol", first);
        Assert.Contains("+15.00 EUR  Alice", second);
        Assert.Contains("0.00 EUR  Carol", second);
        Assert.Contains("-15.00 EUR  Dave", second);
        Assert.Contains("+15.00 USD  Bob", second);
        Assert.Contains("-15.00 USD  Carol", second);
    }

    [Fact]
    public async Task Remembered_sums_answer_as_a_sum_of_the_whole_journal_does()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol", "Dave");
        var remembering = new DialogEngine(chat.Store, chat.Clock, chat.Options, chat.Log);
        await PlayAsync(chat);
        await BalanceAsync(remembering, chat, "early");

        await chat.PayAsync("Carol", 1);
        await chat.SendAsync("Dave", "/pay @carol 7.25 EUR Coffee");
        await chat.SendAsync("Alice", "/settle");

        var fresh = new DialogEngine(chat.Store, chat.Clock, chat.Options, chat.Log);
        Assert.Equal(await BalanceAsync(fresh, chat, "fresh"), await BalanceAsync(remembering, chat, "remembered"));
    }

    /// <summary>Debts in two currencies, one of them paid.</summary>
    private static async Task PlayAsync(Conversation chat)
    {
        await chat.SendAsync("Alice", "/split 60 EUR Dinner @bob @carol @dave");
        await chat.PayAsync("Bob", 1);
        await chat.SendAsync("Bob", "/split 30 USD Taxi @carol");
    }

    private static async Task<string> BalanceAsync(DialogEngine engine, Conversation chat, string name)
    {
        var result = await engine.HandleAsync(new TextInbound(chat.ChatKey, $"msg:balance:{name}", Conversation.ActorOf("Alice"), "/balance", "GroupPayBot"));
        await chat.RecordAsync(null);
        return Assert.Single(result.Outbox, item => item.Card is not null).Card!.Text;
    }
}
