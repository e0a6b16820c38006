using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Allocation;

namespace GroupPay.IntegrationTests.Storage;

/// <summary>
/// What every <see cref="IGroupPayStore"/> promises, run against each store: a turn commits whole or not at all,
/// records come back as written, stale versions and repeated dedupe keys are refused.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private const string ChatKey = "test:contract";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private int turn;

    protected IGroupPayStore Store { get; private set; } = null!;

    protected abstract Task<IGroupPayStore> OpenAsync();

    public async ValueTask InitializeAsync() => Store = await OpenAsync();

    public abstract ValueTask DisposeAsync();

    [Fact]
    public async Task A_new_chat_round_trips_and_gets_version_1()
    {
        var chat = NewChat();
        chat.Settings.Admins.Add("test:alice");
        chat.Members.Add(new MemberInfo { Key = "test:alice", Name = "Alice", Username = "alice" });

        await CommitAsync(chat);

        var loaded = await Store.LoadChatAsync(ChatKey);
        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Version);
        Assert.Equal(StoreJson.Write(chat), StoreJson.Write(loaded));
        Assert.Equal([ChatKey], await Store.ChatKeysAsync());
        Assert.Null(await Store.LoadChatAsync("test:nobody"));
    }

    [Fact]
    public async Task A_stale_chat_version_raises_a_concurrency_exception_and_commits_nothing()
    {
        await CommitAsync(NewChat());
        var first = (await Store.LoadChatAsync(ChatKey))!;
        var second = (await Store.LoadChatAsync(ChatKey))!;
        first.NextFlowNumber = 2;
        await CommitAsync(first);

        second.NextFlowNumber = 7;
        var stale = Commit(second, outbox: [Text("lost")]) with { DedupeKey = "stale-turn" };
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(stale));

        Assert.Equal(2, (await Store.LoadChatAsync(ChatKey))!.NextFlowNumber);
        Assert.False(await Store.IsProcessedAsync("stale-turn"));
        Assert.DoesNotContain(await Store.PendingOutboxAsync(100), i => i.Text == "lost");
    }

    [Fact]
    public async Task A_second_new_chat_with_the_same_key_is_a_conflict()
    {
        await CommitAsync(NewChat());

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(Commit(NewChat())));
    }

    [Fact]
    public async Task A_repeated_dedupe_key_is_refused()
    {
        var chat = NewChat();
        await Store.CommitAsync(Commit(chat) with { DedupeKey = "test:msg:1" });
        Assert.True(await Store.IsProcessedAsync("test:msg:1"));

        var again = (await Store.LoadChatAsync(ChatKey))!;
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(Commit(again, outbox: [Text("twice")]) with { DedupeKey = "test:msg:1" }));

        Assert.Equal(1, (await Store.LoadChatAsync(ChatKey))!.Version);
        Assert.DoesNotContain(await Store.PendingOutboxAsync(100), i => i.Text == "twice");
    }

    [Fact]
    public async Task Flows_round_trip_newest_first_and_a_stale_flow_version_is_refused()
    {
        var chat = NewChat();
        var one = NewFlow(1, open: true);
        var two = NewFlow(2, open: false);
        one.Participants.Add(new FlowParticipant { Member = "test:bob", Kind = ShareKind.Weight, Value = 2, JoinedAt = Now });
        one.Tokens["join"] = "tok-join-1";
        await CommitAsync(chat, flows: [one, two]);

        var loaded = await Store.LoadFlowAsync(ChatKey, 1);
        Assert.Equal(1, loaded!.Version);
        Assert.Equal(StoreJson.Write(one), StoreJson.Write(loaded));
        Assert.Equal([2, 1], (await Store.RecentFlowsAsync(ChatKey, 10, openOnly: false)).Select(f => f.Number));
        Assert.Equal([1], (await Store.RecentFlowsAsync(ChatKey, 10, openOnly: true)).Select(f => f.Number));
        Assert.Equal([2], (await Store.RecentFlowsAsync(ChatKey, 1, openOnly: false)).Select(f => f.Number));
        Assert.Equal([1, 2], (await Store.LoadFlowsAsync(ChatKey, [2, 7, 1])).Select(f => f.Number).Order());
        Assert.Equal(StoreJson.Write(one), StoreJson.Write((await Store.LoadFlowsAsync(ChatKey, [1])).Single()));
        Assert.Empty(await Store.LoadFlowsAsync(ChatKey + "-other", [1, 2]));
        Assert.Empty(await Store.LoadFlowsAsync(ChatKey, []));

        var stale = (await Store.LoadFlowAsync(ChatKey, 1))!;
        loaded.State = "Closed";
        await CommitAsync((await Store.LoadChatAsync(ChatKey))!, changed: false, flows: [loaded]);
        stale.State = "Cancelled";
        var chatNow = (await Store.LoadChatAsync(ChatKey))!;
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(Commit(chatNow, changed: false, flows: [stale])));
        Assert.Equal("Closed", (await Store.LoadFlowAsync(ChatKey, 1))!.State);
    }

    [Fact]
    public async Task Obligations_round_trip_filter_by_flow_and_openness_and_are_found_by_pay_token()
    {
        var chat = NewChat();
        var bob = NewObligation(1, "test:bob", 3000);
        var carol = NewObligation(1, "test:carol", 3000);
        var dave = NewObligation(2, "test:dave", 500);
        await CommitAsync(chat, obligations: [bob, carol, dave]);

        Assert.Equal(StoreJson.Write(bob), StoreJson.Write((await Store.LoadObligationAsync(bob.Id))!));
        Assert.Equal(carol.Id, (await Store.FindObligationByPayTokenAsync(carol.PayToken))!.Id);
        Assert.Null(await Store.FindObligationByPayTokenAsync("no-such-pay-token"));

        bob.State = ObligationState.Paid;
        bob.PaidVia = "sandbox";
        await CommitAsync((await Store.LoadChatAsync(ChatKey))!, changed: false, obligations: [bob]);

        Assert.Equal(ObligationState.Paid, (await Store.LoadObligationAsync(bob.Id))!.State);
        Assert.Equal([carol.Id], (await Store.ObligationsAsync(ChatKey, 1, openOnly: true)).Select(o => o.Id));
        Assert.Equal([bob.Id, carol.Id], (await Store.ObligationsAsync(ChatKey, 1, openOnly: false)).Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await Store.ObligationsAsync(ChatKey, null, openOnly: false)).Count);
        Assert.Equal([dave.Id], (await Store.ObligationsAsync(ChatKey, 2, openOnly: false)).Select(o => o.Id));
        var byIds = await Store.LoadObligationsAsync([dave.Id, "no-such-obligation", bob.Id]);
        Assert.Equal([bob.Id, dave.Id], byIds.Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ObligationState.Paid, byIds.Single(o => o.Id == bob.Id).State);
        Assert.Equal(StoreJson.Write(dave), StoreJson.Write(byIds.Single(o => o.Id == dave.Id)));
        Assert.Empty(await Store.LoadObligationsAsync([]));
    }

    [Fact]
    public async Task The_journal_comes_back_in_sequence_order_with_a_verified_chain_and_a_repeated_sequence_is_refused()
    {
        var chat = NewChat();
        var bob = NewObligation(1, "test:bob", 3000);
        var created = Ledger.Post(ChatKey, 1, Ledger.GenesisHash, EntryKind.ObligationCreated, bob, Now);
        var paid = Ledger.Post(ChatKey, 2, created.Hash, EntryKind.PaymentConfirmed, bob, Now.AddMinutes(1));
        await CommitAsync(chat, obligations: [bob], entries: [paid, created]);
        var carol = NewObligation(1, "test:carol", 1234);
        var third = Ledger.Post(ChatKey, 3, paid.Hash, EntryKind.ObligationCreated, carol, Now.AddMinutes(2));
        await CommitAsync((await Store.LoadChatAsync(ChatKey))!, changed: false, obligations: [carol], entries: [third]);

        var journal = await Store.JournalAsync(ChatKey);

        Assert.Equal([1L, 2, 3], journal.Select(e => e.Sequence));
        Assert.True(Ledger.VerifyChain(journal));
        Assert.Equal(third.Hash, journal[^1].Hash);
        Assert.All(Ledger.Balances(journal).Values, accounts => Assert.Equal(0, accounts.Values.Sum()));
        Assert.Equal([2L, 3], (await Store.JournalAfterAsync(ChatKey, 1)).Select(e => e.Sequence));
        Assert.Equal([1L, 2, 3], (await Store.JournalAfterAsync(ChatKey, 0)).Select(e => e.Sequence));
        Assert.Empty(await Store.JournalAfterAsync(ChatKey, 3));
        Assert.Empty(await Store.JournalAfterAsync(ChatKey + "-other", 0));
        var again = Ledger.Post(ChatKey, 3, paid.Hash, EntryKind.Cancelled, carol, Now.AddMinutes(3));
        var chatNow = (await Store.LoadChatAsync(ChatKey))!;
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(Commit(chatNow, changed: false, entries: [again])));
        Assert.Equal(3, (await Store.JournalAsync(ChatKey)).Count);
    }

    [Fact]
    public async Task Button_tokens_are_looked_up_by_their_value()
    {
        var token = new ButtonToken("tok-abcdefghijklmnop", ChatKey, 1, "pay", $"{ChatKey}/o1");
        await CommitAsync(NewChat(), tokens: [token]);

        Assert.Equal(token, await Store.LoadTokenAsync(token.Token));
        Assert.Null(await Store.LoadTokenAsync("tok-unknown"));
    }

    [Fact]
    public async Task Outbox_items_are_pending_in_order_until_delivered()
    {
        var card = new Card("Split #1", ["Bob owes 30.00 EUR"], [[CardButton.Callback("Join", "tok-join")]]);
        await CommitAsync(NewChat(), outbox: [new OutboxItem { ChatKey = ChatKey, Kind = OutboxKind.Card, CardKey = "flow:1", Card = card, CreatedAt = Now }, Text("first")]);
        await CommitAsync((await Store.LoadChatAsync(ChatKey))!, changed: false, outbox: [Text("second")]);

        var pending = await Store.PendingOutboxAsync(100);
        Assert.Equal(3, pending.Count);
        Assert.Equal(pending.Select(i => i.Id).Order(), pending.Select(i => i.Id));
        Assert.Equal(card.Text, pending[0].Card!.Text);
        Assert.Equal("flow:1", pending[0].CardKey);
        Assert.Equal(["first", "second"], pending.Skip(1).Select(i => i.Text));
        Assert.Equal(pending.Select(i => i.Id), (await Store.ClaimOutboxAsync(100)).Select(i => i.Id));

        await Store.MarkDeliveredAsync(pending[0].Id);
        await Store.MarkDeliveredAsync(pending[1].Id);
        await Store.ReleaseOutboxChatAsync(ChatKey);

        Assert.Equal([pending[2].Id], (await Store.PendingOutboxAsync(100)).Select(i => i.Id));
        Assert.Equal([pending[2].Id], (await Store.ClaimOutboxAsync(100)).Select(i => i.Id));
    }

    [Fact]
    public async Task A_claim_leaves_out_the_items_of_busy_chats()
    {
        const string Other = "test:other";
        await CommitAsync(NewChat(), outbox: [Text("mine 1"), Text("mine 2")]);
        await Store.CommitAsync(new TurnCommit("test:turn:other", new ChatRecord { Key = Other }, true, [], [], [], [],
            [new OutboxItem { ChatKey = Other, Kind = OutboxKind.Text, Text = "theirs", CreatedAt = Now }]));

        Assert.Equal(["theirs"], (await Store.ClaimOutboxAsync(100, busy: chat => chat == ChatKey)).Select(i => i.Text));
        Assert.Equal(["mine 1", "mine 2"], (await Store.ClaimOutboxAsync(100, busy: chat => chat == Other)).Select(i => i.Text));
        Assert.Equal(["mine 1"], (await Store.ClaimOutboxAsync(1, busy: chat => chat == Other)).Select(i => i.Text));
        Assert.Empty(await Store.ClaimOutboxAsync(100, busy: _ => true));
        Assert.Equal(3, (await Store.ClaimOutboxAsync(100)).Count);
    }

    [Fact]
    public async Task Card_refs_are_saved_and_replaced()
    {
        Assert.Null(await Store.LoadCardRefAsync(ChatKey, "flow:1"));

        await Store.SaveCardRefAsync(ChatKey, "flow:1", "msg-100");
        await Store.SaveCardRefAsync(ChatKey, "flow:2", "msg-200");
        await Store.SaveCardRefAsync(ChatKey, "flow:1", "msg-101");

        Assert.Equal("msg-101", await Store.LoadCardRefAsync(ChatKey, "flow:1"));
        Assert.Equal("msg-200", await Store.LoadCardRefAsync(ChatKey, "flow:2"));
        Assert.Null(await Store.LoadCardRefAsync("test:other", "flow:1"));
    }

    [Fact]
    public async Task Only_open_flows_whose_due_time_has_come_are_due()
    {
        var past = NewFlow(1, open: true, due: Now.AddMinutes(-1));
        var future = NewFlow(2, open: true, due: Now.AddHours(1));
        var closed = NewFlow(3, open: false, due: Now.AddMinutes(-5));
        var never = NewFlow(4, open: true, due: null);
        await CommitAsync(NewChat(), flows: [past, future, closed, never]);

        Assert.Equal([1], (await Store.DueFlowsAsync(Now, 10)).Select(f => f.Number));
        Assert.Equal([1], (await Store.ClaimDueFlowsAsync(Now, 10)).Select(f => f.Number));
        Assert.Equal([1, 2], (await Store.DueFlowsAsync(Now.AddHours(2), 10)).Select(f => f.Number).Order());

        past.DueAt = Now.AddDays(1);
        await CommitAsync((await Store.LoadChatAsync(ChatKey))!, changed: false, flows: [past]);
        Assert.Empty(await Store.DueFlowsAsync(Now, 10));
    }

    [Fact]
    public async Task The_chat_lock_can_be_taken_again_after_release_and_the_store_answers_pings()
    {
        await using (await Store.LockChatAsync(ChatKey))
        {
            await CommitAsync(NewChat());
        }

        await using (await Store.LockChatAsync(ChatKey))
        {
            Assert.True(await Store.PingAsync());
        }
    }

    [Fact]
    public async Task Dedupe_keys_of_turns_before_a_point_are_forgotten_and_later_ones_kept()
    {
        await CommitAsync(NewChat());
        await CommitAsync((await Store.LoadChatAsync(ChatKey))!, changed: false);
        await Task.Delay(50);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await CommitAsync((await Store.LoadChatAsync(ChatKey))!, changed: false);

        Assert.Equal(0, await Store.ForgetProcessedAsync(between.AddHours(-1)));
        Assert.Equal(2, await Store.ForgetProcessedAsync(between));

        Assert.False(await Store.IsProcessedAsync("test:turn:1"));
        Assert.False(await Store.IsProcessedAsync("test:turn:2"));
        Assert.True(await Store.IsProcessedAsync("test:turn:3"));
        Assert.Equal(0, await Store.ForgetProcessedAsync(between));
        // A forgotten key is new again: the same update would commit once more (nothing else of the turn is undone).
        await Store.CommitAsync(Commit((await Store.LoadChatAsync(ChatKey))!, changed: false) with { DedupeKey = "test:turn:1" });
        Assert.True(await Store.IsProcessedAsync("test:turn:1"));
        Assert.Equal(1, (await Store.LoadChatAsync(ChatKey))!.Version);
    }

    private static ChatRecord NewChat() => new() { Key = ChatKey };

    private static OutboxItem Text(string text) => new() { ChatKey = ChatKey, Kind = OutboxKind.Text, Text = text, CreatedAt = Now };

    private static FlowRecord NewFlow(int number, bool open, DateTimeOffset? due = null) => new()
    {
        Id = FlowRecord.MakeId(ChatKey, number),
        ChatKey = ChatKey,
        Number = number,
        Kind = FlowKind.Split,
        State = open ? "Open" : "Closed",
        Creator = "test:alice",
        AmountMinor = 9000,
        CurrencyCode = "EUR",
        Description = "Dinner",
        CreatedAt = Now,
        IsOpen = open,
        DueAt = due,
    };

    private static Obligation NewObligation(int flow, string debtor, long minor) => new()
    {
        Id = $"{ChatKey}/o{debtor}",
        ChatKey = ChatKey,
        FlowNumber = flow,
        Debtor = debtor,
        Creditor = "test:alice",
        Minor = minor,
        CurrencyCode = "EUR",
        Reason = "Dinner",
        CreatedAt = Now,
        PayToken = $"pay-{debtor}-{minor}",
    };

    private TurnCommit Commit(
        ChatRecord chat, bool changed = true, IReadOnlyList<FlowRecord>? flows = null, IReadOnlyList<Obligation>? obligations = null,
        IReadOnlyList<JournalEntry>? entries = null, IReadOnlyList<ButtonToken>? tokens = null, IReadOnlyList<OutboxItem>? outbox = null) =>
        new($"test:turn:{++turn}", chat, changed, flows ?? [], obligations ?? [], entries ?? [], tokens ?? [], outbox ?? []);

    private Task CommitAsync(
        ChatRecord chat, bool changed = true, IReadOnlyList<FlowRecord>? flows = null, IReadOnlyList<Obligation>? obligations = null,
        IReadOnlyList<JournalEntry>? entries = null, IReadOnlyList<ButtonToken>? tokens = null, IReadOnlyList<OutboxItem>? outbox = null) =>
        Store.CommitAsync(Commit(chat, changed, flows, obligations, entries, tokens, outbox));
}

public sealed class LiteDbStoreContractTests : StoreContractTests
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "grouppay-it", Guid.NewGuid().ToString("N"));
    private LiteDbStore? store;

    protected override Task<IGroupPayStore> OpenAsync()
    {
        store = new LiteDbStore(Path.Combine(folder, "grouppay.db"));
        return Task.FromResult<IGroupPayStore>(store);
    }

    public override ValueTask DisposeAsync()
    {
        store?.Dispose();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresStoreContractTests : StoreContractTests
{
    private TestPostgres? database;
    private PostgresStore? store;

    protected override async Task<IGroupPayStore> OpenAsync()
    {
        database = await TestPostgres.CreateAsync();
        store = await PostgresStore.OpenAsync(database.ConnectionString);
        return store;
    }

    public override async ValueTask DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
