using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Tests.Conversations;

/// <summary>/balance answers from the nets the chat keeps with each posting, not by reading the group's whole journal.</summary>
public sealed class BalanceTests
{
    [Fact]
    public async Task The_chat_keeps_each_members_net_as_the_journal_sums_it_and_balance_reads_no_journal()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol", "Dave");
        await PlayAsync(chat);

        await AssertKeptNetsAreTheJournalsAsync(chat);
        var (store, counts) = CountingStore.Wrap(chat.Store);
        var engine = new DialogEngine(store, chat.Clock, chat.Options, chat.Log);
        await engine.HandleAsync(new TextInbound(chat.ChatKey, "msg:counted", Conversation.ActorOf("Bob"), "/balance", "GroupPayBot"));
        Assert.Equal(0, counts.Of(nameof(IGroupPayStore.JournalAsync)));

        await chat.SendAsync("Alice", "/balance");
        Assert.Contains("+30.00 EUR  Alice", chat.LastReply);
        Assert.Contains("-15.00 EUR  Carol", chat.LastReply);
        Assert.Contains("-15.00 EUR  Dave", chat.LastReply);
        Assert.Contains("0.00 EUR  Bob", chat.LastReply);
        Assert.Contains("+15.00 USD  Bob", chat.LastReply);
        Assert.Contains("-15.00 USD  Carol", chat.LastReply);
        Assert.True((await StoreAuditor.AuditChatAsync(chat.Store, chat.ChatKey)).Holds);
    }

    [Fact]
    public async Task A_chat_saved_before_nets_were_kept_has_them_summed_from_its_journal_once_and_kept_from_then_on()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol", "Dave");
        await PlayAsync(chat);
        await chat.SendAsync("Alice", "/balance");
        var answer = chat.LastReply;

        // As a release before this one saved it: no nets, none kept.
        var old = (await chat.Store.LoadChatAsync(chat.ChatKey))!;
        old.Balances = new();
        old.BalancesThrough = 0;
        await chat.Store.CommitAsync(new TurnCommit("test:older-release", old, true, [], [], [], [], []));
        Assert.True((await StoreAuditor.AuditChatAsync(chat.Store, chat.ChatKey)).Holds);

        await chat.SendAsync("Alice", "/balance");
        Assert.Equal(answer, chat.LastReply);
        await AssertKeptNetsAreTheJournalsAsync(chat);

        await chat.PayAsync("Carol", 1);
        await AssertKeptNetsAreTheJournalsAsync(chat);
    }

    [Fact]
    public async Task The_audit_finds_kept_nets_that_differ_from_the_journal()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol", "Dave");
        await PlayAsync(chat);
        var tampered = (await chat.Store.LoadChatAsync(chat.ChatKey))!;
        tampered.Balances["EUR"]["test:alice"] += 1;
        await chat.Store.CommitAsync(new TurnCommit("test:tamper", tampered, true, [], [], [], [], []));

        var audit = await StoreAuditor.AuditChatAsync(chat.Store, chat.ChatKey);

        Assert.False(audit.Holds);
        Assert.False(audit.KeptNetsAgree);
        Assert.Contains("the nets the chat keeps differ from the journal's", audit.Problems);
    }

    /// <summary>Debts in two currencies, one of them paid.</summary>
    private static async Task PlayAsync(Conversation chat)
    {
        await chat.SendAsync("Alice", "/split 60 EUR Dinner @bob @carol @dave");
        await chat.PayAsync("Bob", 1);
        await chat.SendAsync("Bob", "/split 30 USD Taxi @carol");
    }

    private static async Task AssertKeptNetsAreTheJournalsAsync(Conversation chat)
    {
        var stored = (await chat.Store.LoadChatAsync(chat.ChatKey))!;
        Assert.Equal(stored.LedgerSequence, stored.BalancesThrough);
        Assert.Equal(Flatten(Ledger.Balances(await chat.Store.JournalAsync(chat.ChatKey))), Flatten(Ledger.Sorted(stored.Balances)));
    }

    private static List<string> Flatten(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> nets) =>
        [.. nets.SelectMany(currency => currency.Value.Select(net => $"{currency.Key} {net.Key} {net.Value}"))];
}
