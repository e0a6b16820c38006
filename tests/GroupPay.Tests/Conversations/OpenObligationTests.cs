using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Tests.Conversations;

/// <summary>
/// /settle needs the chat's open obligations. Which ones are open is read from the journal (created, and not yet paid,
/// netted or cancelled), as far as it was not summed before, and only those obligations are loaded: a group's /settle
/// does not read every obligation it ever had.
/// </summary>
public sealed class OpenObligationTests
{
    [Fact]
    public async Task A_settle_loads_the_open_obligations_by_id_and_reads_no_others()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol", "Dave");
        var (store, counts) = CountingStore.Wrap(chat.Store);
        var engine = new DialogEngine(store, chat.Clock, chat.Options, chat.Log);
        await PlayAsync(chat);
        await SendAsync(engine, chat, "/balance", "early");
        await chat.PayAsync("Carol", 1);
        await chat.SendAsync("Zed", "hello, I am @zed");
        var openBefore = await chat.Store.ObligationsAsync(chat.ChatKey, null, openOnly: true);
        var netsBefore = await chat.NetsAsync();

        var reply = await SendAsync(engine, chat, "/settle", "settle");

        Assert.Equal(0, counts.Of(nameof(IGroupPayStore.ObligationsAsync)));
        var loaded = Assert.Single(counts.ArgumentsOf(nameof(IGroupPayStore.LoadObligationsAsync)));
        Assert.Equal(openBefore.Select(o => o.Id).Order(StringComparer.Ordinal), ((IReadOnlyCollection<string>)loaded[0]!).Order(StringComparer.Ordinal));
        var eurBefore = openBefore.Where(o => o.CurrencyCode == "EUR").ToList();
        Assert.Contains($"{eurBefore.Count} open EUR debts are netted", reply);
        Assert.All(eurBefore, o => Assert.False(Assert.IsType<Obligation>(chat.Store.LoadObligationAsync(o.Id).Result).IsOpen));
        Assert.Single(await chat.Store.ObligationsAsync(chat.ChatKey, null, openOnly: true), o => o.CurrencyCode == "USD");
        Assert.Equal(netsBefore, await chat.NetsAsync());
    }

    [Fact]
    public async Task The_journal_says_which_obligations_are_open_as_the_store_has_them_summed_whole_or_in_steps()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol", "Dave");
        var steps = new List<LedgerSum>();
        var sum = LedgerSum.Empty;
        async Task StepAsync()
        {
            sum = sum.With(await chat.Store.JournalAfterAsync(chat.ChatKey, sum.Through));
            Assert.Equal(
                (await chat.Store.ObligationsAsync(chat.ChatKey, null, openOnly: true)).Select(o => o.Id).Order(StringComparer.Ordinal),
                sum.Open.Order(StringComparer.Ordinal));
            steps.Add(sum);
        }

        await PlayAsync(chat);
        await StepAsync();
        await chat.PayAsync("Carol", 1);
        await StepAsync();
        await chat.SendAsync("Zed", "hello");
        await StepAsync();
        await chat.SendAsync("Alice", "/settle");
        await StepAsync();
        await chat.SendAsync("Bob", "/split 12 EUR Cake @carol");
        await chat.PressAsync("Bob", 6, "Cancel");
        Assert.Contains("✖", chat.CardText(6));
        await StepAsync();

        var whole = LedgerSum.Empty.With(await chat.Store.JournalAsync(chat.ChatKey));
        Assert.Equal(whole.Open.Order(StringComparer.Ordinal), sum.Open.Order(StringComparer.Ordinal));
        Assert.Equal(Ledger.Balances(await chat.Store.JournalAsync(chat.ChatKey)), sum.Balances());
        Assert.Equal(5, steps.Select(s => s.Through).Distinct().Count());
        Assert.Equal(0, LedgerSum.Empty.Through);
        Assert.Empty(LedgerSum.Empty.Open);
    }

    [Fact]
    public void Obligation_ids_of_another_form_than_the_engine_makes_are_kept_whole()
    {
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var made = Obligation("test:chat-1/o7");
        var imported = Obligation("imported-42");
        var padded = Obligation("test:chat-1/o07");
        var other = Obligation("test:chat-10/o3");
        var entries = new List<JournalEntry>();
        var head = Ledger.GenesisHash;
        void Post(EntryKind kind, Obligation obligation)
        {
            entries.Add(Ledger.Post("test:chat-1", entries.Count + 1, head, kind, obligation, at, kind == EntryKind.Reassigned ? "@zed" : null));
            head = entries[^1].Hash;
        }

        Post(EntryKind.ObligationCreated, made);
        Post(EntryKind.ObligationCreated, imported);
        Post(EntryKind.ObligationCreated, padded);
        Post(EntryKind.ObligationCreated, other);
        var first = LedgerSum.Empty.With(entries);
        Post(EntryKind.PaymentConfirmed, made);
        Post(EntryKind.Reassigned, padded);
        Post(EntryKind.Netted, other);
        var second = first.With(entries[4..]);

        Assert.Equal(["imported-42", "test:chat-1/o07", "test:chat-1/o7", "test:chat-10/o3"], first.Open.Order(StringComparer.Ordinal));
        Assert.Equal(["imported-42", "test:chat-1/o07"], second.Open.Order(StringComparer.Ordinal));
        Assert.Equal(4, first.Open.Count);
    }

    private static Obligation Obligation(string id) => new()
    {
        Id = id, ChatKey = "test:chat-1", FlowNumber = 1, Debtor = "test:bob", Creditor = "test:alice", Minor = 500, CurrencyCode = "EUR",
        Reason = "Tea", PayToken = "pay-" + id,
    };

    /// <summary>Debts in two currencies, one paid, and one of a member named before the bot saw him.</summary>
    private static async Task PlayAsync(Conversation chat)
    {
        await chat.SendAsync("Alice", "/split 60 EUR Dinner @bob @carol @dave");
        await chat.PayAsync("Bob", 1);
        await chat.SendAsync("Bob", "/split 30 USD Taxi @carol");
        await chat.SendAsync("Dave", "/split 40 EUR Lunch @zed");
        await chat.SendAsync("Dave", "/pay @carol 7.25 EUR Coffee");
    }

    private static async Task<string> SendAsync(DialogEngine engine, Conversation chat, string text, string name)
    {
        var result = await engine.HandleAsync(new TextInbound(chat.ChatKey, $"msg:open:{name}", Conversation.ActorOf("Alice"), text, "GroupPayBot"));
        await chat.RecordAsync(result);
        return string.Join("\n", result.Outbox.Select(item => item.Card?.Text ?? item.Text));
    }
}
