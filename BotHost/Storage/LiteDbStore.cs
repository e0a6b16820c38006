using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Runtime.ExceptionServices;
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
    /// <summary>
    /// One caller at a time in the database (see <see cref="Locked{T}"/>). A semaphore, not a lock: readers wait for it
    /// without holding a thread (a group commit or a checkpoint holds it for 1–20 ms, and readers blocked on a lock held
    /// the thread pool's few threads meanwhile); the writer thread waits on it synchronously and goes first.
    /// </summary>
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly BlockingCollection<PendingWrite> writes = [];
    private readonly Thread writer;
    private readonly PageFile dataFile;
    private readonly PageFile logFile;
    private readonly ILogFlush logFlush;

    /// <summary>
    /// Undelivered outbox items by id, as committed: this process is the file's only writer, so the copy is exact, and
    /// the dispatcher's frequent "what is pending" costs no read and no JSON. Loaded at start; guarded by its own lock, so the
    /// dispatcher never waits for a transaction to end.
    /// </summary>
    private readonly SortedDictionary<long, OutboxItem> pending = [];
    private readonly Lock pendingGate = new();

    // The version of each chat and flow as last committed or read, so the writer thread (which every turn waits for)
    // checks a turn's versions without reading the records again. Exact because this process is the file's one
    // writer; bounded, and a forgotten version is read from the file. Whole records were cached here too, once: it
    // saved no measurable time (the writer, not reads, limits a turn) and cost ~18 MiB of peak RSS.
    private readonly RecordCache<long> chatVersions = new(4_096);
    private readonly RecordCache<long> flowVersions = new(8_192);
    private readonly KeyFilter dedupeFilter;

    /// <summary>
    /// No dedupe key is older than this (ticks: the oldest at start, or the store's opening if older; after a forgetting
    /// pass the oldest it kept, or the pass's start; a turn prepared just before a pass may be a few milliseconds older
    /// and is then forgotten one pass late), so a pass that could find nothing to forget does not walk the keys at all,
    /// as every pass does until the first keys age out.
    /// </summary>
    private long oldestDedupeTicks = DateTime.UtcNow.Ticks;

    /// <summary>Steps of <see cref="ForgetProcessedAsync"/> read so far (for tests).</summary>
    internal int ForgetSteps => forgetSteps;

    private int forgetSteps;

    /// <summary>
    /// LiteDB's <c>FindById</c> parses its <c>_id = @0</c> again on every call (a tokenizer and an expression tree per
    /// lookup, ~4 % of what a turn allocated). This one predicate is parsed once and given the id before each use; used
    /// only under the store's gate, so one caller at a time.
    /// </summary>
    private readonly BsonExpression byId = BsonExpression.Create("_id = @0", BsonValue.Null);
    private long lastOutboxId;
    private int disposed;

    public LiteDbStore(string path)
        : this(path, log => log)
    {
    }

    /// <param name="path">The data file; LiteDB's log is beside it (<c>grouppay.db</c> → <c>grouppay-log.db</c>).</param>
    /// <param name="flushOf">What the writer calls to put a group commit on the disk, given the log file (tests hold or fail it).</param>
    internal LiteDbStore(string path, Func<ILogFlush, ILogFlush> flushOf)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        (db, dataFile, logFile) = Open(path);
        logFlush = flushOf(logFile);
        // A checkpoint copies the log's pages into the data file under the store's lock (LiteDB 5 allows no other way),
        // and every turn waits for it. Every 500 pages instead of LiteDB's 1,000 halves that wait: in the load test p99
        // at 1 connection 4.7-5.1 vs 6.9-7.8 ms, at 10 13.7-13.9 vs 16.8-18.0, at 40 39.4 vs 42.0 ms on average over six
        // pairs, the same updates/s (docs/performance.md, seventh round). The setting is kept in the file's header.
        if (db.CheckpointSize != CheckpointPages)
        {
            db.CheckpointSize = CheckpointPages;
        }
        chats = db.GetCollection("chats");
        flows = db.GetCollection("flows");
        obligations = db.GetCollection("obligations");
        journal = db.GetCollection("journal");
        tokens = db.GetCollection("tokens");
        dedupe = db.GetCollection("dedupe");
        outbox = db.GetCollection("outbox", BsonAutoId.Int64);
        cardRefs = db.GetCollection("cardrefs");
        // Two secondary indexes only: due flows for the scheduler, pay tokens for the pay page. A chat's flows,
        // obligations and journal are found by their ids, which start with the chat key; every index is written on
        // every insert, and the chat indexes and the outbox's "delivered" index cost ~6–11 % of the throughput (A/B).
        flows.EnsureIndex("due");
        obligations.EnsureIndex("pay", unique: true);
        DropOldIndexes();
        foreach (var doc in outbox.FindAll())
        {
            var item = StoreJson.Read<OutboxItem>(doc["data"].AsString);
            pending[item.Id] = item;
        }

        // Outbox ids are handed out here (one writer per file), so an item is written once, with its id inside. Delivered
        // items are deleted, so the largest id left says nothing of those before; ids start from the clock (milliseconds
        // × 1,024, below 2^53 for JavaScript), which a restart never goes back past.
        var largest = outbox.Query().OrderByDescending("_id").Limit(1).ToDocuments().FirstOrDefault()?["_id"].AsInt64 ?? 0;
        lastOutboxId = Math.Max(largest, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 10);
        dedupeFilter = new KeyFilter(dedupe.LongCount());
        foreach (var doc in dedupe.FindAll())
        {
            dedupeFilter.Add(doc["_id"].AsString);
            oldestDedupeTicks = Math.Min(oldestDedupeTicks, doc["at"].AsInt64);
        }

        writer = new Thread(WriteLoop) { IsBackground = true, Name = "LiteDB group commit" };
        writer.Start();
    }

    /// <summary>LiteDB's name for the log of a data file: <c>data/grouppay.db</c> → <c>data/grouppay-log.db</c>.</summary>
    public static string LogPathOf(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-log" + Path.GetExtension(full));
    }

    /// <summary>
    /// Opens the data file and its log as <see cref="PageFile"/>s (so a commit can be put on the disk, see there), in
    /// LiteDB's direct mode otherwise. Keys compare ordinally (<see cref="Collation.Binary"/>): LiteDB's default collation
    /// ignores case, so chat keys, tokens or ids differing only in case (Teams conversation ids are case-sensitive) would
    /// be one key. A file made with the default is rebuilt once with the ordinal collation (LiteDB keeps a backup).
    /// </summary>
    private static (LiteDatabase Db, PageFile Data, PageFile Log) Open(string path)
    {
        var opened = OpenPages(path);
        if (opened.Db.Collation.SortOptions == CompareOptions.Ordinal)
        {
            return opened;
        }

        DisposeAll(opened.Db, opened.Log, opened.Data);
        using (var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
        {
            db.Rebuild(new LiteDB.Engine.RebuildOptions { Collation = Collation.Binary });
        }

        return OpenPages(path);
    }

    /// <summary>The sizes, in 8 KiB pages, of the segments LiteDB's page cache grows by, once it has taken the first three.</summary>
    internal const int CacheSegmentPages = 250;

    /// <summary>Whether LiteDB's cache grows by <see cref="CacheSegmentPages"/> (set once per process, before the first file opens).</summary>
    internal static readonly bool CacheSegmentsLimited = LimitCacheSegments();

    /// <summary>
    /// LiteDB's page cache grows by segments of 12, 50, 100, 500 and then 1,000 pages (8 MB each), and takes a new one
    /// whenever no more than a segment's worth of its cached pages is unused; it never gives memory back. Under the load
    /// test it held 1,662 pages, and in one run of three 2,662 (21 MB of a 35–49 MB heap, and the difference between a
    /// peak of 185 and of 202 MiB). With segments of 250 pages after the first three it held 1,162 pages in every run,
    /// at the same throughput (docs/performance.md, sixth round). LiteDB 5 has no setting for this: its one array of sizes
    /// is changed in place, once per process. Should a LiteDB release drop that array, the cache keeps LiteDB's sizes and
    /// a test says so.
    /// </summary>
    private static bool LimitCacheSegments()
    {
        var field = typeof(LiteDatabase).Assembly.GetType("LiteDB.Constants")?
            .GetField("MEMORY_SEGMENT_SIZES", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
        if (field?.GetValue(null) is not int[] { Length: > 3 } sizes)
        {
            return false;
        }

        for (var i = 3; i < sizes.Length; i++)
        {
            sizes[i] = Math.Min(sizes[i], CacheSegmentPages);
        }

        return true;
    }

    private static (LiteDatabase Db, PageFile Data, PageFile Log) OpenPages(string path)
    {
        _ = CacheSegmentsLimited;
        // A group commit appends ~40 pages to the log; a checkpoint reads the log from its start and copies ~1,000 pages
        // into the data file, in no order and many of them several times.
        var made = !File.Exists(path) || new FileInfo(path).Length == 0;
        var data = new PageFile(path, orderConfirmations: false, keepPages: 64, readAhead: 0);
        PageFile? log = null;
        try
        {
            // The log settles the data file's checkpoint flushes, out of the store's lock (see PageFile).
            log = new PageFile(LogPathOf(path), orderConfirmations: true, keepPages: 64, readAhead: 128 << 10, dataFile: data);
            var engine = new LiteDB.Engine.LiteEngine(new LiteDB.Engine.EngineSettings
            {
                // The file name is still given: LiteDB names its temporary file (large sorts) after it.
                Filename = Path.GetFullPath(path),
                DataStream = data,
                LogStream = log,
                // Given only when the file is made: LiteDB refuses to open a file whose collation differs from the one given.
                Collation = made ? Collation.Binary : null,
            });
            return (new LiteDatabase(engine), data, log);
        }
        catch
        {
            log?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Files written before the indexes were cut keep them (LiteDB maintains an index until it is dropped) and kept
    /// delivered outbox items (now deleted on delivery). Both go at start; each step can be repeated, so a start that
    /// is interrupted half-way is finished by the next.
    /// </summary>
    private void DropOldIndexes()
    {
        outbox.DeleteMany(LiteQuery.Eq("delivered", true));
        outbox.DropIndex("delivered");
        flows.DropIndex("chat");
        obligations.DropIndex("chat");
        journal.DropIndex("chat");
    }

    /// <summary>A collection of the same database, for the host's other small stores (the playground's transcript).</summary>
    public ILiteCollection<BsonDocument> Collection(string name) => db.GetCollection(name);

    /// <summary>
    /// Runs one short synchronous piece of database work while no other runs. With the outbox delivering chats in
    /// parallel while turns commit, parallel test runs found the file damaged after a restart ("page type must be
    /// index page", "ReadFull must read PAGE_SIZE bytes"); with one caller at a time that has not recurred, and the
    /// cost is nothing at a chat bot's volume. Work that writes (the side stores: payment attempts, webhook event ids,
    /// the playground's transcript) reaches the operating system before the lock is released, as a commit of LiteDB's
    /// own files would; the disk, at the next group commit's flush.
    /// </summary>
    public async Task<T> Locked<T>(Func<T> work)
    {
        await gate.WaitAsync();
        try
        {
            return RunLocked(work);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary><see cref="Locked{T}"/> for a caller that cannot wait asynchronously (a start-up step, a synchronous interface).</summary>
    public T LockedNow<T>(Func<T> work)
    {
        gate.Wait();
        try
        {
            return RunLocked(work);
        }
        finally
        {
            gate.Release();
        }
    }

    private T RunLocked<T>(Func<T> work)
    {
        ThrowIfDisposed();
        var writes = logFile.Writes;
        var result = work();
        if (logFile.Writes != writes)
        {
            logFile.WriteOut();
        }

        return result;
    }

    /// <summary>A key the filter has never seen is new without a read; a "maybe" is read.</summary>
    public Task<bool> IsProcessedAsync(string dedupeKey, CancellationToken ct = default)
    {
        ThrowIfDisposed();
        return dedupeFilter.MightContain(dedupeKey) ? Locked(() => IsStored(dedupeKey)) : Task.FromResult(false);
    }

    /// <summary>Log pages after which LiteDB copies the log into the data file (its own default is 1,000).</summary>
    internal const int CheckpointPages = 500;

    /// <summary>How many dedupe keys one step of <see cref="ForgetProcessedAsync"/> looks at (tests make it small).</summary>
    internal int ForgetBatch { get; init; } = 2_000;

    /// <summary>
    /// Walks the dedupe keys in steps of <see cref="ForgetBatch"/> along the id index (one short read under the gate
    /// each, no index on the time: that would be written by every turn) and deletes the old ones of each step as one
    /// piece of a group commit; does nothing while no key can be old enough (<see cref="oldestDedupeTicks"/>). The
    /// filter keeps answering "maybe" for a forgotten key, which the read then answers.
    /// </summary>
    public async Task<int> ForgetProcessedAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        ThrowIfDisposed();
        var cutoff = before.UtcTicks;
        if (Interlocked.Read(ref oldestDedupeTicks) >= cutoff)
        {
            return 0;
        }

        // Keys written from now on are newer than any kept; the oldest kept is found on the way.
        var oldestKept = DateTime.UtcNow.Ticks;
        var forgotten = 0;
        BsonValue after = BsonValue.MinValue;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var (old, last, seen, oldestInStep) = await Locked(() =>
            {
                forgetSteps++;
                var stepOld = new List<BsonValue>();
                var stepOldestKept = long.MaxValue;
                var stepLast = after;
                var count = 0;
                foreach (var doc in dedupe.Find(LiteQuery.IdAfter(after), limit: ForgetBatch))
                {
                    count++;
                    stepLast = doc["_id"];
                    var at = doc["at"].AsInt64;
                    if (at < cutoff)
                    {
                        stepOld.Add(stepLast);
                    }
                    else
                    {
                        stepOldestKept = Math.Min(stepOldestKept, at);
                    }
                }

                return (stepOld, stepLast, count, stepOldestKept);
            });
            oldestKept = Math.Min(oldestKept, oldestInStep);
            if (old.Count > 0)
            {
                await Write(new SimpleWrite($"dedupe/forget/{old[0].AsString}", () =>
                {
                    foreach (var id in old)
                    {
                        dedupe.Delete(id);
                    }
                }));
                forgotten += old.Count;
            }

            if (seen < ForgetBatch)
            {
                Interlocked.Exchange(ref oldestDedupeTicks, oldestKept);
                return forgotten;
            }

            after = last;
        }
    }

    public async Task<ChatRecord?> LoadChatAsync(string chatKey, CancellationToken ct = default) =>
        await Locked(() => ReadVersioned(chatVersions, chats, chatKey)) is { } json ? StoreJson.Read<ChatRecord>(json) : null;

    public async Task<FlowRecord?> LoadFlowAsync(string chatKey, int number, CancellationToken ct = default) =>
        await Locked(() => ReadVersioned(flowVersions, flows, FlowRecord.MakeId(chatKey, number))) is { } json ? StoreJson.Read<FlowRecord>(json) : null;

    public async Task<IReadOnlyList<FlowRecord>> LoadFlowsAsync(string chatKey, IReadOnlyCollection<int> numbers, CancellationToken ct = default) =>
        numbers.Count == 0 ? [] : await ParsedAfterLock<FlowRecord>(() =>
            flows.Find(LiteQuery.IdIn(numbers.Select(n => FlowRecord.MakeId(chatKey, n)))).Select(d => d["data"].AsString));

    public async Task<IReadOnlyList<FlowRecord>> RecentFlowsAsync(string chatKey, int count, bool openOnly, CancellationToken ct = default) =>
        await ParsedAfterLock<FlowRecord>(() => flows.Find(LiteQuery.IdStartsWith(chatKey + "#"))
            .Where(d => d["chat"].AsString == chatKey && (!openOnly || d["open"].AsBoolean))
            .OrderByDescending(d => FlowNumberOf(d["_id"].AsString))
            .Take(count)
            .Select(d => d["data"].AsString));

    public async Task<IReadOnlyList<FlowRecord>> DueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default) =>
        await ParsedAfterLock<FlowRecord>(() => flows.Find(LiteQuery.Lte("due", now.UtcTicks), limit: max).Select(d => d["data"].AsString));

    public async Task<Obligation?> LoadObligationAsync(string id, CancellationToken ct = default) =>
        await Locked(() => FindById(obligations, id)?["data"].AsString) is { } json ? StoreJson.Read<Obligation>(json) : null;

    public async Task<IReadOnlyList<Obligation>> LoadObligationsAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) =>
        ids.Count == 0 ? [] : await ParsedAfterLock<Obligation>(() => obligations.Find(LiteQuery.IdIn(ids)).Select(d => d["data"].AsString));

    public Task<Obligation?> FindObligationByPayTokenAsync(string payToken, CancellationToken ct = default) =>
        Locked(() => Read<Obligation>(obligations.FindOne(LiteQuery.Eq("pay", payToken))));

    public async Task<IReadOnlyList<Obligation>> ObligationsAsync(string chatKey, int? flowNumber, bool openOnly, CancellationToken ct = default) =>
        await ParsedAfterLock<Obligation>(() => obligations.Find(LiteQuery.IdStartsWith(chatKey + "/o"))
            .Where(d => d["chat"].AsString == chatKey && (!openOnly || d["open"].AsBoolean) && (flowNumber is null || d["flow"].AsInt32 == flowNumber))
            .Select(d => d["data"].AsString));

    public Task<IReadOnlyList<JournalEntry>> JournalAsync(string chatKey, CancellationToken ct = default) => JournalAfterAsync(chatKey, 0, ct);

    /// <summary>A range on the id index from the entry after <paramref name="afterSequence"/> (ids are the chat key, <c>/</c>, the sequence in 12 digits).</summary>
    public async Task<IReadOnlyList<JournalEntry>> JournalAfterAsync(string chatKey, long afterSequence, CancellationToken ct = default) =>
        [.. (await ParsedAfterLock<JournalEntry>(() => journal.Find(LiteQuery.IdBetween(JournalId(chatKey, afterSequence + 1), chatKey + "/" + char.MaxValue))
            .Where(d => d["chat"].AsString == chatKey)
            .Select(d => d["data"].AsString)))
            .OrderBy(e => e.Sequence)];

    private static string JournalId(string chatKey, long sequence) => $"{chatKey}/{sequence:D12}";

    /// <summary>
    /// Reads records' JSON under the gate and parses it after the gate is released: parsing is most of a range read's
    /// time (a chat's whole journal for /balance), and the writer, which every turn waits for, waits for the gate.
    /// </summary>
    private async Task<List<T>> ParsedAfterLock<T>(Func<IEnumerable<string>> read)
    {
        var json = await Locked(() => read().ToList());
        var records = new List<T>(json.Count);
        foreach (var text in json)
        {
            records.Add(StoreJson.Read<T>(text));
        }

        return records;
    }

    /// <summary>The number in a flow's id (<see cref="FlowRecord.MakeId"/>: the chat key, <c>#</c>, the number).</summary>
    private static int FlowNumberOf(string id) => int.Parse(id.AsSpan(id.LastIndexOf('#') + 1), CultureInfo.InvariantCulture);

    public async Task<ButtonToken?> LoadTokenAsync(string token, CancellationToken ct = default) =>
        await Locked(() => FindById(tokens, token)?["data"].AsString) is { } json ? StoreJson.Read<ButtonToken>(json) : null;

    /// <summary>Whether a dedupe key is in the file (under the lock; ask the filter first, it answers most without a read).</summary>
    private bool IsStored(string dedupeKey) => FindById(dedupe, dedupeKey) is not null;

    /// <summary>The document with this id (under the gate), through the predicate parsed once (<see cref="byId"/>).</summary>
    private BsonDocument? FindById(ILiteCollection<BsonDocument> collection, BsonValue id)
    {
        byId.Parameters["0"] = id;
        return collection.FindOne(byId);
    }

    /// <summary>A versioned record's JSON (under the lock), noting its version for the writer's check; parsed after the lock.</summary>
    private string? ReadVersioned(RecordCache<long> versions, ILiteCollection<BsonDocument> collection, string id)
    {
        if (FindById(collection, id) is not { } doc)
        {
            return null;
        }

        versions.Set(id, doc["v"].AsInt64);
        return doc["data"].AsString;
    }

    /// <summary>The version a save of this record must expect: the one noted when it holds the record (exact), else the file's.</summary>
    private long VersionOf(RecordCache<long> versions, ILiteCollection<BsonDocument> collection, string id) =>
        versions.TryGet(id, out var version) ? version : FindById(collection, id) is { } doc ? doc["v"].AsInt64 : 0;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) == 1, this);

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

            gate.Wait();
            try
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
            finally
            {
                gate.Release();
            }

            // The flush is outside the lock (readers need not wait for the disk) and before anyone hears "committed".
            var committed = batch.Where(w => w.Error is null).ToList();
            if (committed.Count > 0)
            {
                Exception? notFlushed = null;
                try
                {
                    logFlush.Flush();
                }
                catch (Exception exception)
                {
                    notFlushed = exception;
                }

                foreach (var write in committed)
                {
                    write.Durable();
                    if (notFlushed is not null)
                    {
                        // Committed, but not known to be on the disk: the caller fails (a platform's retry finds the
                        // turn already processed); what it wrote is served and sent as any other commit.
                        write.Finish(notFlushed);
                    }
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
                        write.Undo();
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
                // Each piece is written again alone, as it stands (its versions and JSON were made for exactly that write).
                db.Rollback();
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
                write.Undo();
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

    public Task<IReadOnlyList<OutboxItem>> PendingOutboxAsync(int max, CancellationToken ct = default) => ClaimOutboxAsync(max, null, ct);

    /// <summary>A delivered item is deleted: the outbox holds what is still to be sent (a delete writes less than an update).</summary>
    public Task MarkDeliveredAsync(long outboxId, CancellationToken ct = default) =>
        Write(new SimpleWrite($"outbox/{outboxId}", () => outbox.Delete(outboxId), committed: () =>
        {
            lock (pendingGate)
            {
                pending.Remove(outboxId);
            }
        }));

    public Task<string?> LoadCardRefAsync(string chatKey, string cardKey, CancellationToken ct = default) =>
        Locked(() => FindById(cardRefs, $"{chatKey}|{cardKey}")?["ref"].AsString);

    public Task SaveCardRefAsync(string chatKey, string cardKey, string messageRef, CancellationToken ct = default) =>
        Write(new SimpleWrite($"cardref/{chatKey}|{cardKey}", () =>
            cardRefs.Upsert(new BsonDocument { ["_id"] = $"{chatKey}|{cardKey}", ["ref"] = messageRef })));

    public Task<IReadOnlyList<string>> ChatKeysAsync(CancellationToken ct = default) =>
        Locked<IReadOnlyList<string>>(() => chats.FindAll().Select(d => d["_id"].AsString).ToList());

    public Task<bool> PingAsync(CancellationToken ct = default) => Locked(() =>
    {
        _ = chats.Count();
        return true;
    });

    /// <summary>Every record of the database, for the migration to another store.</summary>
    public StoreSnapshot Export() => LockedNow(ExportUnlocked);

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
        NoChatLock.Taken;

    public Task<IReadOnlyList<FlowRecord>> ClaimDueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default) =>
        DueFlowsAsync(now, max, ct);

    /// <summary>
    /// The pending items (of chats not <paramref name="busy"/>), oldest first, as copies. Under load most pending items
    /// belong to chats already being delivered, and the dispatcher asks after every commit: they are skipped here rather
    /// than copied and dropped.
    /// </summary>
    public Task<IReadOnlyList<OutboxItem>> ClaimOutboxAsync(int max, Func<string, bool>? busy = null, CancellationToken ct = default)
    {
        ThrowIfDisposed();
        var result = new List<OutboxItem>();
        lock (pendingGate)
        {
            // Items come in id order and a chat's items often follow each other: ask once per run of one chat.
            string? lastChat = null;
            var lastBusy = false;
            foreach (var item in pending.Values)
            {
                if (result.Count >= max)
                {
                    break;
                }

                if (busy is not null && item.ChatKey != lastChat)
                {
                    lastChat = item.ChatKey;
                    lastBusy = busy(item.ChatKey);
                }

                if (!lastBusy)
                {
                    result.Add(Copy(item));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<OutboxItem>>(result);
    }

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
        gate.Wait();
        try
        {
            // The file must be closed even when the checkpoint fails: a handle left open would let the next process open
            // the same file while this one still holds it.
            try
            {
                db.Checkpoint();
            }
            finally
            {
                DisposeAll(db, logFile, dataFile);
            }
        }
        finally
        {
            // Callers still waiting find the store closed.
            gate.Release();
        }

        writes.Dispose();
    }

    /// <summary>Disposes each in turn, also when one before it throws; the first failure is thrown at the end.</summary>
    private static void DisposeAll(params IDisposable[] items)
    {
        Exception? first = null;
        foreach (var item in items)
        {
            try
            {
                item.Dispose();
            }
            catch (Exception exception)
            {
                first ??= exception;
            }
        }

        if (first is not null)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <summary>How a prepared document goes into its collection.</summary>
    private enum WriteKind
    {
        /// <summary>A new record (a new chat or flow, a dedupe key, journal entry, token or outbox item).</summary>
        Insert,

        /// <summary>A versioned record that exists (Validate checked its version), so no look-up first.</summary>
        Update,

        /// <summary>An obligation, new or changed.</summary>
        Upsert,
    }

    /// <summary>
    /// The JSON of a record that is rewritten turn after turn (a chat, a flow), padded with spaces up to the next step
    /// of its size (steps of 128 bytes up to 2 KiB, then a sixteenth of the next power of two). LiteDB packs documents
    /// into 8 KiB pages; a document that grows by even a byte where its page is full continues in a block on another
    /// page, and every later update then writes both pages (and the free-page lists): chats, whose counters and ledger
    /// head change every turn, were a third of all pages a group commit wrote (17 of ~50). A padded record keeps its
    /// size through most updates, so an update rewrites its one block in place. JSON readers skip the trailing spaces.
    /// </summary>
    internal static string Padded(string json)
    {
        var step = Math.Max(128, (int)BitOperations.RoundUpToPowerOf2((uint)json.Length + 1) / 16);
        var size = (json.Length + step) / step * step;
        return json.PadRight(size);
    }

    /// <summary>One document of a turn, made on the caller's thread; the writer thread only puts it in.</summary>
    private sealed record PreparedDoc(ILiteCollection<BsonDocument> Collection, BsonDocument Doc, WriteKind Kind)
    {
        public void Write()
        {
            switch (Kind)
            {
                case WriteKind.Insert:
                    Collection.Insert(Doc);
                    break;
                case WriteKind.Update:
                    if (!Collection.Update(Doc))
                    {
                        throw new ConcurrencyException($"{Doc["_id"].AsString} is gone from the store.");
                    }

                    break;
                case WriteKind.Upsert:
                    Collection.Upsert(Doc);
                    break;
            }
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

        /// <summary>Runs after the transaction holding this work was flushed to the disk (or the flush failed), outside the lock.</summary>
        public virtual void Durable()
        {
        }

        /// <summary>Puts back what this work changed in the caller's objects, once it is known it will not be written.</summary>
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

    /// <summary>
    /// A turn waiting for the writer. Made on the caller's thread: the new versions are set and every record turned
    /// into JSON here, so the writer thread (the one thing all turns wait for) only checks and writes.
    /// </summary>
    private sealed class TurnWrite : PendingWrite
    {
        private readonly LiteDbStore store;
        private readonly long oldChatVersion;
        private readonly long[] oldFlowVersions;

        public TurnWrite(LiteDbStore store, TurnCommit commit)
        {
            this.store = store;
            Commit = commit;
            oldChatVersion = commit.Chat.Version;
            oldFlowVersions = commit.Flows.Select(f => f.Version).ToArray();
            Keys =
            [
                "dedupe/" + commit.DedupeKey,
                "chat/" + commit.Chat.Key,
                .. commit.Flows.Select(f => "flow/" + f.Id),
                .. commit.Obligations.Select(o => "obligation/" + o.Id),
                .. commit.Tokens.Select(t => "token/" + t.Token),
            ];

            var docs = new List<PreparedDoc>(2 + commit.Flows.Count + commit.Obligations.Count + commit.Entries.Count + commit.Tokens.Count + commit.Outbox.Count)
            {
                new(store.dedupe, new BsonDocument { ["_id"] = commit.DedupeKey, ["at"] = DateTime.UtcNow.Ticks }, WriteKind.Insert),
            };

            if (commit.ChatChanged)
            {
                commit.Chat.Version = oldChatVersion + 1;
                docs.Add(new(store.chats, new BsonDocument
                {
                    ["_id"] = commit.Chat.Key,
                    ["v"] = commit.Chat.Version,
                    ["data"] = Padded(StoreJson.Write(commit.Chat)),
                }, commit.Chat.Version == 1 ? WriteKind.Insert : WriteKind.Update));
            }

            foreach (var flow in commit.Flows)
            {
                flow.Version++;
                docs.Add(new(store.flows, new BsonDocument
                {
                    ["_id"] = flow.Id,
                    ["v"] = flow.Version,
                    ["chat"] = flow.ChatKey,
                    ["num"] = flow.Number,
                    ["open"] = flow.IsOpen,
                    ["due"] = flow.IsOpen && flow.DueAt is { } due ? due.UtcTicks : long.MaxValue,
                    ["data"] = Padded(StoreJson.Write(flow)),
                }, flow.Version == 1 ? WriteKind.Insert : WriteKind.Update));
            }

            foreach (var obligation in commit.Obligations)
            {
                docs.Add(new(store.obligations, new BsonDocument
                {
                    ["_id"] = obligation.Id,
                    ["chat"] = obligation.ChatKey,
                    ["flow"] = obligation.FlowNumber,
                    ["open"] = obligation.IsOpen,
                    ["pay"] = obligation.PayToken,
                    ["data"] = StoreJson.Write(obligation),
                }, WriteKind.Upsert));
            }

            foreach (var entry in commit.Entries)
            {
                docs.Add(new(store.journal, new BsonDocument
                {
                    ["_id"] = JournalId(entry.ChatKey, entry.Sequence),
                    ["chat"] = entry.ChatKey,
                    ["seq"] = entry.Sequence,
                    ["data"] = StoreJson.Write(entry),
                }, WriteKind.Insert));
            }

            foreach (var token in commit.Tokens)
            {
                docs.Add(new(store.tokens, new BsonDocument { ["_id"] = token.Token, ["data"] = StoreJson.Write(token) }, WriteKind.Insert));
            }

            foreach (var item in commit.Outbox)
            {
                item.Id = Interlocked.Increment(ref store.lastOutboxId);
                docs.Add(new(store.outbox, new BsonDocument
                {
                    ["_id"] = item.Id,
                    ["chat"] = item.ChatKey,
                    ["delivered"] = false,
                    ["data"] = StoreJson.Write(item),
                }, WriteKind.Insert));
            }

            Docs = docs;
        }

        public TurnCommit Commit { get; }

        /// <summary>Every document the turn writes, in the order they are written.</summary>
        public IReadOnlyList<PreparedDoc> Docs { get; }

        public override IReadOnlyList<string> Keys { get; }

        public override string Describe() => $"Turn {Commit.DedupeKey}";

        public override Exception? Validate()
        {
            if (store.dedupeFilter.MightContain(Commit.DedupeKey) && store.IsStored(Commit.DedupeKey))
            {
                return new ConcurrencyException($"Turn {Commit.DedupeKey} was already committed.");
            }

            if (Commit.ChatChanged && store.VersionOf(store.chatVersions, store.chats, Commit.Chat.Key) != oldChatVersion)
            {
                return new ConcurrencyException($"{Commit.Chat.Key} changed under this turn.");
            }

            for (var i = 0; i < oldFlowVersions.Length; i++)
            {
                if (store.VersionOf(store.flowVersions, store.flows, Commit.Flows[i].Id) != oldFlowVersions[i])
                {
                    return new ConcurrencyException($"{Commit.Flows[i].Id} changed under this turn.");
                }
            }

            return null;
        }

        public override void Apply()
        {
            foreach (var doc in Docs)
            {
                doc.Write();
            }
        }

        /// <summary>Under the lock, after the commit: what was written becomes what readers are served.</summary>
        public override void Committed()
        {
            store.dedupeFilter.Add(Commit.DedupeKey);
            if (Commit.ChatChanged)
            {
                store.chatVersions.Set(Commit.Chat.Key, Commit.Chat.Version);
            }

            foreach (var flow in Commit.Flows)
            {
                store.flowVersions.Set(flow.Id, flow.Version);
            }
        }

        /// <summary>The outbox hears of the turn's messages once the turn is on the disk, not before.</summary>
        public override void Durable()
        {
            lock (store.pendingGate)
            {
                foreach (var item in Commit.Outbox)
                {
                    store.pending[item.Id] = Copy(item);
                }
            }
        }

        /// <summary>Puts the versions back: the turn was not written (refused, or its transaction rolled back).</summary>
        public override void Undo()
        {
            Commit.Chat.Version = oldChatVersion;
            for (var i = 0; i < oldFlowVersions.Length; i++)
            {
                Commit.Flows[i].Version = oldFlowVersions[i];
            }
        }
    }
}
