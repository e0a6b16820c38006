using System.Collections.Concurrent;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using LiteDB;

namespace GroupPay.BotHost.Storage;

/// <summary>
/// The default store: one LiteDB file, one <see cref="LiteDatabase"/> per process (direct connection). A turn is
/// one short synchronous transaction; nothing awaits inside it.
/// </summary>
public sealed class LiteDbStore : IGroupPayStore, IDisposable
{
    /// <summary>Most pieces of work in one transaction, so one transaction stays short.</summary>
    private const int MaxBatch = 256;
    private readonly LiteDatabase db;
    private readonly ILiteCollection<BsonDocument> chats;
    private readonly ILiteCollection<BsonDocument> flows;
    private readonly ILiteCollection<BsonDocument> obligations;
    private readonly ILiteCollection<BsonDocument> journal;
    private readonly ILiteCollection<BsonDocument> tokens;
    private readonly ILiteCollection<BsonDocument> dedupe;
    private readonly ILiteCollection<BsonDocument> outbox;
    private readonly ILiteCollection<BsonDocument> cardRefs;
    private readonly Lock gate = new();
    private readonly BlockingCollection<PendingWrite> writes = [];
    private readonly Thread writer;

    /// <summary>
    /// Undelivered outbox items by id, as committed: this process is the file's only writer, so the copy is exact, and
    /// the dispatcher's frequent "what is pending" costs no read and no JSON. Loaded at start; guarded by the lock.
    /// </summary>
    private readonly SortedDictionary<long, OutboxItem> pending = [];
    private int disposed;

    public LiteDbStore(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        chats = db.GetCollection("chats");
        flows = db.GetCollection("flows");
        obligations = db.GetCollection("obligations");
        journal = db.GetCollection("journal");
        tokens = db.GetCollection("tokens");
        dedupe = db.GetCollection("dedupe");
        outbox = db.GetCollection("outbox", BsonAutoId.Int64);
        cardRefs = db.GetCollection("cardrefs");
        flows.EnsureIndex("chat");
        flows.EnsureIndex("due");
        obligations.EnsureIndex("chat");
        obligations.EnsureIndex("pay", unique: true);
        journal.EnsureIndex("chat");
        outbox.EnsureIndex("delivered");
        foreach (var doc in outbox.Find(LiteQuery.Eq("delivered", false)))
        {
            var item = StoreJson.Read<OutboxItem>(doc["data"].AsString);
            pending[item.Id] = item;
        }

        writer = new Thread(WriteLoop) { IsBackground = true, Name = "LiteDB group commit" };
        writer.Start();
    }

    /// <summary>A collection of the same database, for the host's other small stores (the playground's transcript).</summary>
    public ILiteCollection<BsonDocument> Collection(string name) => db.GetCollection(name);

    /// <summary>
    /// Runs one short synchronous piece of database work while no other runs. With the outbox delivering chats in
    /// parallel while turns commit, parallel test runs found the file damaged after a restart ("page type must be
    /// index page", "ReadFull must read PAGE_SIZE bytes"); with one caller at a time that has not recurred, and the
    /// cost is nothing at a chat bot's volume.
    /// </summary>
    public Task<T> Locked<T>(Func<T> work)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed == 1, this);
            return Task.FromResult(work());
        }
    }

    public Task<bool> IsProcessedAsync(string dedupeKey, CancellationToken ct = default) =>
        Locked(() => dedupe.FindById(dedupeKey) is not null);

    public Task<ChatRecord?> LoadChatAsync(string chatKey, CancellationToken ct = default) =>
        Locked(() => Read<ChatRecord>(chats.FindById(chatKey)));

    public Task<FlowRecord?> LoadFlowAsync(string chatKey, int number, CancellationToken ct = default) =>
        Locked(() => Read<FlowRecord>(flows.FindById(FlowRecord.MakeId(chatKey, number))));

    public Task<IReadOnlyList<FlowRecord>> RecentFlowsAsync(string chatKey, int count, bool openOnly, CancellationToken ct = default)
    {
        lock (gate)
        {
            var query = openOnly ? BsonExpression.Create("$.chat = @0 AND $.open = true", chatKey) : LiteQuery.Eq("chat", chatKey);
            IReadOnlyList<FlowRecord> result = flows.Find(query)
                .Select(d => StoreJson.Read<FlowRecord>(d["data"].AsString))
                .OrderByDescending(f => f.Number)
                .Take(count)
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<FlowRecord>> DueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default)
    {
        lock (gate)
        {
            IReadOnlyList<FlowRecord> result = flows.Find(LiteQuery.Lte("due", now.UtcTicks), limit: max)
                .Select(d => StoreJson.Read<FlowRecord>(d["data"].AsString))
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<Obligation?> LoadObligationAsync(string id, CancellationToken ct = default) =>
        Locked(() => Read<Obligation>(obligations.FindById(id)));

    public Task<Obligation?> FindObligationByPayTokenAsync(string payToken, CancellationToken ct = default) =>
        Locked(() => Read<Obligation>(obligations.FindOne(LiteQuery.Eq("pay", payToken))));

    public Task<IReadOnlyList<Obligation>> ObligationsAsync(string chatKey, int? flowNumber, bool openOnly, CancellationToken ct = default)
    {
        lock (gate)
        {
            IReadOnlyList<Obligation> result = obligations.Find(LiteQuery.Eq("chat", chatKey))
                .Where(d => (!openOnly || d["open"].AsBoolean) && (flowNumber is null || d["flow"].AsInt32 == flowNumber))
                .Select(d => StoreJson.Read<Obligation>(d["data"].AsString))
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<JournalEntry>> JournalAsync(string chatKey, CancellationToken ct = default)
    {
        lock (gate)
        {
            IReadOnlyList<JournalEntry> result = journal.Find(LiteQuery.Eq("chat", chatKey))
                .Select(d => StoreJson.Read<JournalEntry>(d["data"].AsString))
                .OrderBy(e => e.Sequence)
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<ButtonToken?> LoadTokenAsync(string token, CancellationToken ct = default) =>
        Locked(() => Read<ButtonToken>(tokens.FindById(token)));

    /// <summary>
    /// Commits a turn in a group commit: the turn waits (without holding a thread) for the store's one writer thread,
    /// which writes every turn queued since its last transaction in one transaction (one log write, one flush and one
    /// index update per page instead of one per turn). The task completes only after the transaction holding the turn
    /// committed; a turn that cannot commit (already committed, changed under it) fails alone, as it would on its own.
    /// </summary>
    public Task CommitAsync(TurnCommit commit, CancellationToken ct = default) => Write(new TurnWrite(this, commit));

    private Task Write(PendingWrite write)
    {
        try
        {
            writes.Add(write);
        }
        catch (InvalidOperationException)
        {
            return Task.FromException(new ObjectDisposedException(nameof(LiteDbStore)));
        }

        return write.Task;
    }

    /// <summary>The writer thread: takes what is queued (at most <see cref="MaxBatch"/>), writes it under the lock, answers each.</summary>
    private void WriteLoop()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (writes.TryTake(out var first, Timeout.Infinite))
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && writes.TryTake(out var next))
            {
                batch.Add(next);
            }

            lock (gate)
            {
                try
                {
                    WriteBatch(batch);
                }
                catch (Exception exception)
                {
                    // Nothing may end this thread; whoever waits hears why their write was not made.
                    batch.Where(w => !w.Done).ToList().ForEach(w => w.Finish(exception));
                }
            }

            batch.ForEach(w => w.Complete());
            batch.Clear();
        }
    }

    /// <summary>
    /// Writes queued work in one transaction. Work touching a key that earlier work of the batch touched waits for a
    /// transaction of its own; if the shared transaction fails, it is rolled back and every piece is written alone, so
    /// one bad turn cannot take the others with it.
    /// </summary>
    private void WriteBatch(List<PendingWrite> batch)
    {
        var alone = batch;
        if (batch.Count > 1)
        {
            alone = [];
            var touched = new HashSet<string>(StringComparer.Ordinal);
            var applied = new List<PendingWrite>(batch.Count);
            BeginTransaction();
            try
            {
                foreach (var write in batch)
                {
                    if (write.Keys.Any(touched.Contains))
                    {
                        alone.Add(write);
                        continue;
                    }

                    if (write.Validate() is { } refused)
                    {
                        write.Finish(refused);
                        continue;
                    }

                    write.Apply();
                    applied.Add(write);
                    touched.UnionWith(write.Keys);
                }

                db.Commit();
                applied.ForEach(w =>
                {
                    w.Committed();
                    w.Finish(null);
                });
            }
            catch (Exception)
            {
                db.Rollback();
                applied.ForEach(w => w.Undo());
                alone = batch.Where(w => !w.Done).ToList();
            }
        }

        foreach (var write in alone)
        {
            WriteAlone(write);
        }
    }

    private void WriteAlone(PendingWrite write)
    {
        BeginTransaction();
        try
        {
            if (write.Validate() is { } refused)
            {
                db.Rollback();
                write.Finish(refused);
                return;
            }

            write.Apply();
            db.Commit();
            write.Committed();
            write.Finish(null);
        }
        catch (LiteException exception) when (exception.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            db.Rollback();
            write.Undo();
            write.Finish(new ConcurrencyException($"{write.Describe()} raced another writer: {exception.Message}"));
        }
        catch (Exception exception)
        {
            db.Rollback();
            write.Undo();
            write.Finish(exception);
        }
    }

    private void BeginTransaction()
    {
        if (!db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
        }
    }

    public Task<IReadOnlyList<OutboxItem>> PendingOutboxAsync(int max, CancellationToken ct = default)
    {
        lock (gate)
        {
            IReadOnlyList<OutboxItem> result = pending.Values.Take(max).Select(Copy).ToList();
            return Task.FromResult(result);
        }
    }

    public Task MarkDeliveredAsync(long outboxId, CancellationToken ct = default) =>
        Write(new SimpleWrite($"outbox/{outboxId}", () =>
        {
            var doc = outbox.FindById(outboxId);
            if (doc is not null)
            {
                doc["delivered"] = true;
                outbox.Update(doc);
            }
        }, committed: () => pending.Remove(outboxId)));

    public Task<string?> LoadCardRefAsync(string chatKey, string cardKey, CancellationToken ct = default) =>
        Locked(() => cardRefs.FindById($"{chatKey}|{cardKey}")?["ref"].AsString);

    public Task SaveCardRefAsync(string chatKey, string cardKey, string messageRef, CancellationToken ct = default) =>
        Write(new SimpleWrite($"cardref/{chatKey}|{cardKey}", () =>
            cardRefs.Upsert(new BsonDocument { ["_id"] = $"{chatKey}|{cardKey}", ["ref"] = messageRef })));

    public Task<IReadOnlyList<string>> ChatKeysAsync(CancellationToken ct = default)
    {
        lock (gate)
        {
            IReadOnlyList<string> result = chats.FindAll().Select(d => d["_id"].AsString).ToList();
            return Task.FromResult(result);
        }
    }

    public Task<bool> PingAsync(CancellationToken ct = default)
    {
        lock (gate)
        {
            _ = chats.Count();
            return Task.FromResult(true);
        }
    }

    /// <summary>Every record of the database, for the migration to another store.</summary>
    public StoreSnapshot Export()
    {
        lock (gate)
        {
            return ExportUnlocked();
        }
    }

    private StoreSnapshot ExportUnlocked()
    {
        static List<T> All<T>(ILiteCollection<BsonDocument> collection) =>
            collection.FindAll().Select(d => StoreJson.Read<T>(d["data"].AsString)).ToList();

        return new StoreSnapshot(
            All<ChatRecord>(chats),
            All<FlowRecord>(flows),
            All<Obligation>(obligations).OrderBy(o => o.CreatedAt).ThenBy(o => o.Id, StringComparer.Ordinal).ToList(),
            All<JournalEntry>(journal).OrderBy(e => e.ChatKey, StringComparer.Ordinal).ThenBy(e => e.Sequence).ToList(),
            All<ButtonToken>(tokens),
            dedupe.FindAll().Select(d => (d["_id"].AsString, new DateTimeOffset(d["at"].AsInt64, TimeSpan.Zero))).ToList(),
            outbox.FindAll().Select(d => (StoreJson.Read<OutboxItem>(d["data"].AsString), d["delivered"].AsBoolean)).OrderBy(o => o.Item1.Id).ToList(),
            cardRefs.FindAll().Select(d =>
            {
                var id = d["_id"].AsString;
                var bar = id.LastIndexOf('|');
                return (id[..bar], id[(bar + 1)..], d["ref"].AsString);
            }).ToList());
    }

    /// <summary>One process owns a LiteDB file, and the engine's in-process gate already serialises a chat.</summary>
    public Task<IAsyncDisposable> LockChatAsync(string chatKey, CancellationToken ct = default) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public Task<IReadOnlyList<FlowRecord>> ClaimDueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default) =>
        DueFlowsAsync(now, max, ct);

    public Task<IReadOnlyList<OutboxItem>> ClaimOutboxAsync(int max, CancellationToken ct = default) => PendingOutboxAsync(max, ct);

    public Task ReleaseOutboxChatAsync(string chatKey, CancellationToken ct = default) => Task.CompletedTask;

    /// <summary>
    /// Closes the file once. The container disposes this store twice (as itself and as <see cref="IGroupPayStore"/>),
    /// and a checkpoint on a closed database must not touch the file again.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        writes.CompleteAdding();
        writer.Join();
        lock (gate)
        {
            // The file must be closed even when the checkpoint fails: a handle left open would let the next process open
            // the same file while this one still holds it.
            try
            {
                db.Checkpoint();
            }
            finally
            {
                db.Dispose();
            }
        }

        writes.Dispose();
    }

    /// <summary>The writes of one turn, inside a transaction the caller opened.</summary>
    private void ApplyTurn(TurnCommit commit)
    {
        dedupe.Insert(new BsonDocument { ["_id"] = commit.DedupeKey, ["at"] = DateTime.UtcNow.Ticks });
        if (commit.ChatChanged)
        {
            SaveVersioned(chats, commit.Chat.Key, commit.Chat.Version, v => commit.Chat.Version = v, doc => { }, () => StoreJson.Write(commit.Chat));
        }

        foreach (var flow in commit.Flows)
        {
            SaveVersioned(flows, flow.Id, flow.Version, v => flow.Version = v, doc =>
            {
                doc["chat"] = flow.ChatKey;
                doc["num"] = flow.Number;
                doc["open"] = flow.IsOpen;
                doc["due"] = flow.IsOpen && flow.DueAt is { } due ? due.UtcTicks : long.MaxValue;
            }, () => StoreJson.Write(flow));
        }

        foreach (var obligation in commit.Obligations)
        {
            obligations.Upsert(new BsonDocument
            {
                ["_id"] = obligation.Id,
                ["chat"] = obligation.ChatKey,
                ["flow"] = obligation.FlowNumber,
                ["open"] = obligation.IsOpen,
                ["pay"] = obligation.PayToken,
                ["data"] = StoreJson.Write(obligation),
            });
        }

        foreach (var entry in commit.Entries)
        {
            journal.Insert(new BsonDocument
            {
                ["_id"] = $"{entry.ChatKey}/{entry.Sequence:D12}",
                ["chat"] = entry.ChatKey,
                ["seq"] = entry.Sequence,
                ["data"] = StoreJson.Write(entry),
            });
        }

        foreach (var token in commit.Tokens)
        {
            tokens.Insert(new BsonDocument { ["_id"] = token.Token, ["data"] = StoreJson.Write(token) });
        }

        foreach (var item in commit.Outbox)
        {
            var doc = new BsonDocument { ["chat"] = item.ChatKey, ["delivered"] = false, ["data"] = "" };
            item.Id = outbox.Insert(doc).AsInt64;
            doc["data"] = StoreJson.Write(item);
            outbox.Update(doc);
        }
    }

    private static OutboxItem Copy(OutboxItem item) => new()
    {
        Id = item.Id,
        ChatKey = item.ChatKey,
        Kind = item.Kind,
        CardKey = item.CardKey,
        Card = item.Card,
        Text = item.Text,
        FileName = item.FileName,
        FileContent = item.FileContent,
        CreatedAt = item.CreatedAt,
    };

    private static T? Read<T>(BsonDocument? doc) where T : class =>
        doc is null ? null : StoreJson.Read<T>(doc["data"].AsString);

    /// <summary>Writes a record only if nobody wrote it since it was read (its version is unchanged), then bumps the version.</summary>
    private static void SaveVersioned(
        ILiteCollection<BsonDocument> collection, string id, long expected, Action<long> setVersion, Action<BsonDocument> index, Func<string> json)
    {
        var stored = collection.FindById(id);
        var storedVersion = stored is null ? 0 : stored["v"].AsInt64;
        if (storedVersion != expected)
        {
            throw new ConcurrencyException($"{id} changed under this turn (version {storedVersion}, expected {expected}).");
        }

        setVersion(expected + 1);
        var doc = new BsonDocument { ["_id"] = id, ["v"] = expected + 1 };
        index(doc);
        doc["data"] = json();
        collection.Upsert(doc);
    }

    /// <summary>Database work waiting for the group commit: the keys it writes, a check before writing, the writes.</summary>
    private abstract class PendingWrite
    {
        public abstract IReadOnlyList<string> Keys { get; }
        public bool Done { get; private set; }
        public Exception? Error { get; private set; }

        /// <summary>Why this work must not be written (a read inside the transaction), or null.</summary>
        public virtual Exception? Validate() => null;

        public abstract void Apply();

        /// <summary>Runs after the transaction holding this work committed, still under the lock.</summary>
        public virtual void Committed()
        {
        }

        /// <summary>Puts back what <see cref="Apply"/> changed in the caller's objects when its transaction rolled back.</summary>
        public virtual void Undo()
        {
        }

        public virtual string Describe() => Keys[0];

        private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => completion.Task;

        public void Finish(Exception? error)
        {
            Error = error;
            Done = true;
        }

        /// <summary>Answers the waiting caller, after the lock is released.</summary>
        public void Complete()
        {
            if (Error is null)
            {
                completion.TrySetResult();
            }
            else
            {
                completion.TrySetException(Error);
            }
        }
    }

    private sealed class SimpleWrite(string key, Action apply, Action? committed = null) : PendingWrite
    {
        public override IReadOnlyList<string> Keys { get; } = [key];

        public override void Apply() => apply();

        public override void Committed() => committed?.Invoke();
    }

    private sealed class TurnWrite : PendingWrite
    {
        private readonly LiteDbStore store;
        private readonly TurnCommit commit;
        private readonly long chatVersion;
        private readonly long[] flowVersions;

        public TurnWrite(LiteDbStore store, TurnCommit commit)
        {
            this.store = store;
            this.commit = commit;
            chatVersion = commit.Chat.Version;
            flowVersions = commit.Flows.Select(f => f.Version).ToArray();
            Keys =
            [
                "dedupe/" + commit.DedupeKey,
                "chat/" + commit.Chat.Key,
                .. commit.Flows.Select(f => "flow/" + f.Id),
                .. commit.Obligations.Select(o => "obligation/" + o.Id),
                .. commit.Tokens.Select(t => "token/" + t.Token),
            ];
        }

        public override IReadOnlyList<string> Keys { get; }

        public override string Describe() => $"Turn {commit.DedupeKey}";

        public override Exception? Validate()
        {
            if (store.dedupe.FindById(commit.DedupeKey) is not null)
            {
                return new ConcurrencyException($"Turn {commit.DedupeKey} was already committed.");
            }

            if (commit.ChatChanged && StoredVersion(store.chats, commit.Chat.Key) != commit.Chat.Version)
            {
                return new ConcurrencyException($"{commit.Chat.Key} changed under this turn.");
            }

            foreach (var flow in commit.Flows)
            {
                if (StoredVersion(store.flows, flow.Id) != flow.Version)
                {
                    return new ConcurrencyException($"{flow.Id} changed under this turn.");
                }
            }

            return null;
        }

        public override void Apply() => store.ApplyTurn(commit);

        public override void Committed()
        {
            foreach (var item in commit.Outbox)
            {
                store.pending[item.Id] = Copy(item);
            }
        }

        public override void Undo()
        {
            commit.Chat.Version = chatVersion;
            for (var i = 0; i < flowVersions.Length; i++)
            {
                commit.Flows[i].Version = flowVersions[i];
            }
        }

        private static long StoredVersion(ILiteCollection<BsonDocument> collection, string id) =>
            collection.FindById(id) is { } stored ? stored["v"].AsInt64 : 0;
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
