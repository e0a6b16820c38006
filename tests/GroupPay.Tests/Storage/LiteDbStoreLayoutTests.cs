using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Allocation;
using LiteDB;

namespace GroupPay.Tests.Storage;

/// <summary>
/// The LiteDB file keeps two secondary indexes; a chat's flows, obligations and journal are found by their ids, which
/// start with the chat key. These check that such a look-up seeks the id index, finds exactly one chat's records, and
/// that a file written with the older indexes is brought to the new layout at start.
/// </summary>
public sealed class LiteDbStoreLayoutTests() : LiteDbStoreTests("test:layout")
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_look_up_by_id_prefix_seeks_the_id_index_and_finds_exactly_that_prefix()
    {
        Directory.CreateDirectory(Folder);
        using var db = new LiteDatabase(new ConnectionString { Filename = DatabasePath, Collation = Collation.Binary });
        var flows = db.GetCollection("flows");
        foreach (var id in new[] { "botframework:a_1#1", "botframework:a_1#2", "botframework:aX1#1", "botframework:a_10#1", "botframework:a_1$#1" })
        {
            flows.Insert(new BsonDocument { ["_id"] = id });
        }

        var query = LiteQuery.IdStartsWith("botframework:a_1#");
        var plan = flows.Query().Where(query).GetPlan();

        Assert.Equal("_id", plan["index"]["name"].AsString);
        Assert.DoesNotContain("FULL", plan["index"]["mode"].AsString, StringComparison.Ordinal);
        Assert.Equal(["botframework:a_1#1", "botframework:a_1#2"], flows.Find(query).Select(d => d["_id"].AsString).Order(StringComparer.Ordinal));

        var some = LiteQuery.IdIn(["botframework:a_10#1", "botframework:a_1#2", "botframework:a_1#9"]);
        var seek = flows.Query().Where(some).GetPlan();
        Assert.Equal("_id", seek["index"]["name"].AsString);
        Assert.StartsWith("INDEX SEEK(_id IN", seek["index"]["mode"].AsString, StringComparison.Ordinal);
        Assert.Equal(["botframework:a_1#2", "botframework:a_10#1"], flows.Find(some).Select(d => d["_id"].AsString).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_store_checkpoints_every_500_log_pages_in_new_files_and_in_files_made_before()
    {
        Directory.CreateDirectory(Folder);
        using (var db = new LiteDatabase(new ConnectionString { Filename = DatabasePath, Collation = Collation.Binary }))
        {
            Assert.Equal(1000, db.CheckpointSize);
        }

        new LiteDbStore(DatabasePath).Dispose();

        using var reopened = new LiteDatabase(new ConnectionString { Filename = DatabasePath, Collation = Collation.Binary });
        Assert.Equal(LiteDbStore.CheckpointPages, reopened.CheckpointSize);
        Assert.Equal(500, LiteDbStore.CheckpointPages);
    }

    [Fact]
    public async Task Chats_whose_keys_differ_only_in_case_or_share_a_prefix_keep_their_records_apart()
    {
        using var store = new LiteDbStore(DatabasePath);
        string[] chats = ["test:Group", "test:group", "test:group1"];
        foreach (var chat in chats)
        {
            var record = new ChatRecord { Key = chat };
            var flow = Flow(chat, 1);
            var obligation = Obligation(chat, 1);
            flow.ObligationIds.Add(obligation.Id);
            var entry = Ledger.Post(chat, 1, Ledger.GenesisHash, EntryKind.ObligationCreated, obligation, Now);
            record.LedgerSequence = 1;
            record.LedgerHead = entry.Hash;
            await store.CommitAsync(new TurnCommit(NextTurnKey(), record, true, [flow], [obligation], [entry], [], []));
        }

        foreach (var chat in chats)
        {
            Assert.Equal([chat], (await store.RecentFlowsAsync(chat, 10, openOnly: false)).Select(f => f.ChatKey));
            Assert.Equal([chat], (await store.RecentFlowsAsync(chat, 10, openOnly: true)).Select(f => f.ChatKey));
            Assert.Equal([chat], (await store.ObligationsAsync(chat, null, openOnly: true)).Select(o => o.ChatKey));
            Assert.Equal([chat], (await store.JournalAsync(chat)).Select(e => e.ChatKey));
        }
    }

    [Fact]
    public async Task A_file_with_the_older_indexes_and_delivered_items_is_brought_to_the_new_layout_at_start()
    {
        Directory.CreateDirectory(Folder);
        using (var db = new LiteDatabase(DatabasePath))
        {
            db.GetCollection("flows").EnsureIndex("chat");
            db.GetCollection("obligations").EnsureIndex("chat");
            db.GetCollection("journal").EnsureIndex("chat");
            var outbox = db.GetCollection("outbox", BsonAutoId.Int64);
            outbox.EnsureIndex("delivered");
            outbox.Insert(OldOutboxDoc(1, "sent long ago", delivered: true));
            outbox.Insert(OldOutboxDoc(2, "still to send", delivered: false));
        }

        using (var store = new LiteDbStore(DatabasePath))
        {
            Assert.Equal(["still to send"], (await store.PendingOutboxAsync(10)).Select(i => i.Text));
        }

        using (var db = new LiteDatabase(DatabasePath))
        {
            var indexes = db.GetCollection("$indexes").FindAll().Select(i => $"{i["collection"].AsString}.{i["name"].AsString}").ToList();
            Assert.DoesNotContain("flows.chat", indexes);
            Assert.DoesNotContain("obligations.chat", indexes);
            Assert.DoesNotContain("journal.chat", indexes);
            Assert.DoesNotContain("outbox.delivered", indexes);
            Assert.Contains("flows.due", indexes);
            Assert.Contains("obligations.pay", indexes);
            Assert.Equal([2L], db.GetCollection("outbox").FindAll().Select(d => d["_id"].AsInt64));
        }
    }

    [Fact]
    public async Task A_file_made_with_the_case_blind_default_collation_is_rebuilt_to_the_ordinal_one_and_keeps_its_records()
    {
        Directory.CreateDirectory(Folder);
        var chat = new ChatRecord { Key = "botframework:a:1AbC", Version = 1 };
        // As an older release made it on an en-US machine: LiteDB's default collation is the current culture's, case-blind.
        using (var db = new LiteDatabase(new ConnectionString { Filename = DatabasePath, Collation = new Collation("en-US/IgnoreCase") }))
        {
            Assert.Equal(System.Globalization.CompareOptions.IgnoreCase, db.Collation.SortOptions);
            db.GetCollection("chats").Insert(new BsonDocument { ["_id"] = chat.Key, ["v"] = 1L, ["data"] = StoreJson.Write(chat) });
        }

        using (var store = new LiteDbStore(DatabasePath))
        {
            Assert.Equal(chat.Key, (await store.LoadChatAsync(chat.Key))!.Key);
            Assert.Null(await store.LoadChatAsync("botframework:a:1abc"));
        }

        using (var db = new LiteDatabase(DatabasePath))
        {
            Assert.Equal(System.Globalization.CompareOptions.Ordinal, db.Collation.SortOptions);
        }
    }

    private static BsonDocument OldOutboxDoc(long id, string text, bool delivered) => new()
    {
        ["_id"] = id,
        ["chat"] = "test:old",
        ["delivered"] = delivered,
        ["data"] = StoreJson.Write(new OutboxItem { Id = id, ChatKey = "test:old", Kind = OutboxKind.Text, Text = text, CreatedAt = Now }),
    };

    private static FlowRecord Flow(string chat, int number) => new()
    {
        Id = FlowRecord.MakeId(chat, number),
        ChatKey = chat,
        Number = number,
        Kind = FlowKind.Split,
        State = "Open",
        Creator = "test:alice",
        AmountMinor = 3000,
        CurrencyCode = "EUR",
        CreatedAt = Now,
    };

    private static Obligation Obligation(string chat, int flow) => new()
    {
        Id = $"{chat}/o1",
        ChatKey = chat,
        FlowNumber = flow,
        Debtor = "test:bob",
        Creditor = "test:alice",
        Minor = 3000,
        CurrencyCode = "EUR",
        Reason = "Dinner",
        CreatedAt = Now,
        PayToken = $"pay-{chat}",
    };

    [Fact]
    public async Task A_chat_keeps_its_stored_size_through_a_turns_small_changes_and_reads_back_the_same()
    {
        var chat = new ChatRecord { Key = ChatKey };
        chat.Members.Add(new MemberInfo { Key = "test:1", Name = "Ann" });
        var before = LiteDbStore.Padded(StoreJson.Write(chat));
        chat.NextFlowNumber = 10;
        chat.LedgerSequence = 99;
        var after = LiteDbStore.Padded(StoreJson.Write(chat));

        Assert.Equal(before.Length, after.Length);
        Assert.Equal(0, after.Length % 128);
        Assert.True(after.Length < StoreJson.Write(chat).Length + 256, "padding costs more than a step");

        using (var store = new LiteDbStore(DatabasePath))
        {
            await store.CommitAsync(Commit(chat));
        }

        using var reopened = new LiteDbStore(DatabasePath);
        var read = await reopened.LoadChatAsync(ChatKey);
        Assert.Equal(10, read!.NextFlowNumber);
        Assert.Equal("Ann", Assert.Single(read.Members).Name);
    }
}
