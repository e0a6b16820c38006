using System.Text.Json;
using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Bench.MemoryHost;

/// <summary>
/// Every turn's records in dictionaries under one lock, as the JSON the durable stores keep (so a read is a fresh copy
/// and a turn that changes what it read changes nothing stored), with the same version checks, dedupe and outbox
/// behaviour as <see cref="LiteDbStore"/>. Nothing survives the process. With <c>MemoryStore:LogPath</c> set, every
/// commit (and delivered mark and card reference) is also appended to a <see cref="TurnLog"/> and answered only once that
/// is on the disk, as a store holding its state in memory would at the least; the log is never read back. Only for
/// measuring.
/// </summary>
public sealed class MemoryStore(IConfiguration configuration) : IGroupPayStore, IDisposable
{
    private readonly TurnLog? log = configuration["MemoryStore:LogPath"] is { Length: > 0 } path ? new TurnLog(path) : null;
    private readonly Lock gate = new();
    private readonly Dictionary<string, DateTimeOffset> processed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Versioned> chats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredFlow> flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<int>> flowNumbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredObligation> obligations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> obligationByPay = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> obligationsOfChat = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long Sequence, byte[] Json)>> journal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> tokens = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, (string ChatKey, byte[] Json)> outbox = [];
    private readonly Dictionary<string, string> cardRefs = new(StringComparer.Ordinal);
    private long lastOutboxId;

    public Task<bool> IsProcessedAsync(string dedupeKey, CancellationToken ct = default)
    {
        lock (gate)
        {
            return Task.FromResult(processed.ContainsKey(dedupeKey));
        }
    }

    public Task<int> ForgetProcessedAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        lock (gate)
        {
            var old = processed.Where(p => p.Value < before).Select(p => p.Key).ToList();
            old.ForEach(key => processed.Remove(key));
            return Task.FromResult(old.Count);
        }
    }

    public Task<ChatRecord?> LoadChatAsync(string chatKey, CancellationToken ct = default) =>
        Task.FromResult(Read<ChatRecord>(Locked(() => chats.GetValueOrDefault(chatKey)?.Json)));

    public Task<FlowRecord?> LoadFlowAsync(string chatKey, int number, CancellationToken ct = default) =>
        Task.FromResult(Read<FlowRecord>(Locked(() => flows.GetValueOrDefault(FlowRecord.MakeId(chatKey, number))?.Json)));

    public Task<IReadOnlyList<FlowRecord>> LoadFlowsAsync(string chatKey, IReadOnlyCollection<int> numbers, CancellationToken ct = default) =>
        ReadAll<FlowRecord>(() => numbers.Select(n => flows.GetValueOrDefault(FlowRecord.MakeId(chatKey, n))?.Json).OfType<byte[]>());

    public Task<IReadOnlyList<FlowRecord>> RecentFlowsAsync(string chatKey, int count, bool openOnly, CancellationToken ct = default) =>
        ReadAll<FlowRecord>(() => (flowNumbers.GetValueOrDefault(chatKey) ?? []).Reverse()
            .Select(n => flows[FlowRecord.MakeId(chatKey, n)])
            .Where(f => !openOnly || f.Open)
            .Take(count)
            .Select(f => f.Json));

    public Task<IReadOnlyList<FlowRecord>> DueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default) =>
        ReadAll<FlowRecord>(() => flows.Values.Where(f => f.Open && f.DueTicks <= now.UtcTicks).Take(max).Select(f => f.Json));

    public Task<Obligation?> LoadObligationAsync(string id, CancellationToken ct = default) =>
        Task.FromResult(Read<Obligation>(Locked(() => obligations.GetValueOrDefault(id)?.Json)));

    public Task<IReadOnlyList<Obligation>> LoadObligationsAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) =>
        ReadAll<Obligation>(() => ids.Select(id => obligations.GetValueOrDefault(id)?.Json).OfType<byte[]>());

    public Task<Obligation?> FindObligationByPayTokenAsync(string payToken, CancellationToken ct = default) =>
        Task.FromResult(Read<Obligation>(Locked(() => obligationByPay.TryGetValue(payToken, out var id) ? obligations[id].Json : null)));

    public Task<IReadOnlyList<Obligation>> ObligationsAsync(string chatKey, int? flowNumber, bool openOnly, CancellationToken ct = default) =>
        ReadAll<Obligation>(() => (obligationsOfChat.GetValueOrDefault(chatKey) ?? [])
            .Select(id => obligations[id])
            .Where(o => (!openOnly || o.Open) && (flowNumber is null || o.FlowNumber == flowNumber))
            .Select(o => o.Json));

    public Task<IReadOnlyList<JournalEntry>> JournalAsync(string chatKey, CancellationToken ct = default) => JournalAfterAsync(chatKey, 0, ct);

    public Task<IReadOnlyList<JournalEntry>> JournalAfterAsync(string chatKey, long afterSequence, CancellationToken ct = default) =>
        ReadAll<JournalEntry>(() => (journal.GetValueOrDefault(chatKey) ?? []).Where(e => e.Sequence > afterSequence).Select(e => e.Json));

    public Task<ButtonToken?> LoadTokenAsync(string token, CancellationToken ct = default) =>
        Task.FromResult(Read<ButtonToken>(Locked(() => tokens.GetValueOrDefault(token))));

    /// <summary>Turned into JSON on the caller's thread, checked and stored under the lock, as the LiteDB store does.</summary>
    public Task CommitAsync(TurnCommit commit, CancellationToken ct = default)
    {
        var oldChatVersion = commit.Chat.Version;
        var oldFlowVersions = commit.Flows.Select(f => f.Version).ToArray();
        if (commit.ChatChanged)
        {
            commit.Chat.Version++;
        }

        foreach (var flow in commit.Flows)
        {
            flow.Version++;
        }

        var chatJson = commit.ChatChanged ? Utf8(commit.Chat) : null;
        var flowJson = commit.Flows.Select(Utf8).ToArray();
        var obligationJson = commit.Obligations.Select(Utf8).ToArray();
        var entryJson = commit.Entries.Select(Utf8).ToArray();
        var tokenJson = commit.Tokens.Select(Utf8).ToArray();
        lock (gate)
        {
            var conflict = processed.ContainsKey(commit.DedupeKey) ? $"Turn {commit.DedupeKey} was already committed."
                : commit.ChatChanged && (chats.GetValueOrDefault(commit.Chat.Key)?.Version ?? 0) != oldChatVersion ? $"{commit.Chat.Key} changed under this turn."
                : commit.Flows.Where((f, i) => (flows.GetValueOrDefault(f.Id)?.Version ?? 0) != oldFlowVersions[i]).Select(f => $"{f.Id} changed under this turn.").FirstOrDefault();
            if (conflict is not null)
            {
                commit.Chat.Version = oldChatVersion;
                for (var i = 0; i < oldFlowVersions.Length; i++)
                {
                    commit.Flows[i].Version = oldFlowVersions[i];
                }

                throw new ConcurrencyException(conflict);
            }

            processed[commit.DedupeKey] = DateTimeOffset.UtcNow;
            if (chatJson is not null)
            {
                chats[commit.Chat.Key] = new Versioned(commit.Chat.Version, chatJson);
            }

            for (var i = 0; i < flowJson.Length; i++)
            {
                var flow = commit.Flows[i];
                flows[flow.Id] = new StoredFlow(flow.Version, flowJson[i], flow.IsOpen, flow.IsOpen && flow.DueAt is { } due ? due.UtcTicks : long.MaxValue);
                Add(flowNumbers, flow.ChatKey, flow.Number);
            }

            for (var i = 0; i < obligationJson.Length; i++)
            {
                var obligation = commit.Obligations[i];
                if (!obligations.ContainsKey(obligation.Id))
                {
                    Add(obligationsOfChat, obligation.ChatKey, obligation.Id);
                }

                obligations[obligation.Id] = new StoredObligation(obligationJson[i], obligation.FlowNumber, obligation.IsOpen);
                obligationByPay[obligation.PayToken] = obligation.Id;
            }

            for (var i = 0; i < entryJson.Length; i++)
            {
                Add(journal, commit.Entries[i].ChatKey, (commit.Entries[i].Sequence, entryJson[i]));
            }

            for (var i = 0; i < tokenJson.Length; i++)
            {
                tokens[commit.Tokens[i].Token] = tokenJson[i];
            }

            foreach (var item in commit.Outbox)
            {
                item.Id = ++lastOutboxId;
            }
        }

        var outboxJson = commit.Outbox.Select(item => (item.Id, item.ChatKey, Json: Utf8(item))).ToArray();
        void Publish()
        {
            lock (gate)
            {
                foreach (var (id, chatKey, json) in outboxJson)
                {
                    outbox[id] = (chatKey, json);
                }
            }
        }

        if (log is null)
        {
            Publish();
            return Task.CompletedTask;
        }

        // The outbox hears of the turn's messages once the turn is on the disk, as in the LiteDB store.
        return log.AppendAsync(Record(writer =>
        {
            writer.WriteString("dedupe", commit.DedupeKey);
            Raw(writer, "chat", chatJson is null ? [] : [chatJson]);
            Raw(writer, "flows", flowJson);
            Raw(writer, "obligations", obligationJson);
            Raw(writer, "entries", entryJson);
            Raw(writer, "tokens", tokenJson);
            Raw(writer, "outbox", outboxJson.Select(o => o.Json));
        }), Publish);
    }

    private static byte[] Record(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Raw(Utf8JsonWriter writer, string name, IEnumerable<byte[]> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteRawValue(value, skipInputValidation: true);
        }

        writer.WriteEndArray();
    }

    public Task<IReadOnlyList<OutboxItem>> PendingOutboxAsync(int max, CancellationToken ct = default) => ClaimOutboxAsync(max, null, ct);

    public Task MarkDeliveredAsync(long outboxId, CancellationToken ct = default)
    {
        lock (gate)
        {
            outbox.Remove(outboxId);
        }

        return log?.AppendAsync(Record(writer => writer.WriteNumber("delivered", outboxId))) ?? Task.CompletedTask;
    }

    public Task<string?> LoadCardRefAsync(string chatKey, string cardKey, CancellationToken ct = default) =>
        Task.FromResult(Locked(() => cardRefs.GetValueOrDefault(CardRefKey(chatKey, cardKey))));

    public Task SaveCardRefAsync(string chatKey, string cardKey, string messageRef, CancellationToken ct = default)
    {
        lock (gate)
        {
            cardRefs[CardRefKey(chatKey, cardKey)] = messageRef;
        }

        return log?.AppendAsync(Record(writer =>
        {
            writer.WriteString("card", CardRefKey(chatKey, cardKey));
            writer.WriteString("ref", messageRef);
        })) ?? Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ChatKeysAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<string>>(Locked(() => chats.Keys.ToList()));

    public Task<bool> PingAsync(CancellationToken ct = default) => Task.FromResult(true);

    public Task<IAsyncDisposable> LockChatAsync(string chatKey, CancellationToken ct = default) => NoChatLock.Taken;

    public Task<IReadOnlyList<FlowRecord>> ClaimDueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default) => DueFlowsAsync(now, max, ct);

    public Task<IReadOnlyList<OutboxItem>> ClaimOutboxAsync(int max, Func<string, bool>? busy = null, CancellationToken ct = default) =>
        ReadAll<OutboxItem>(() => outbox.Values.Where(o => busy is null || !busy(o.ChatKey)).Take(max).Select(o => o.Json));

    public Task ReleaseOutboxChatAsync(string chatKey, CancellationToken ct = default) => Task.CompletedTask;

    public void Dispose() => log?.Dispose();

    private static string CardRefKey(string chatKey, string cardKey) => $"{chatKey}|{cardKey}";

    private T Locked<T>(Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }

    /// <summary>The JSON is gathered under the lock and parsed after it, as the LiteDB store parses range reads.</summary>
    private Task<IReadOnlyList<T>> ReadAll<T>(Func<IEnumerable<byte[]>> read)
    {
        var json = Locked(() => read().ToList());
        return Task.FromResult<IReadOnlyList<T>>(json.ConvertAll(Parse<T>));
    }

    private static T? Read<T>(byte[]? json) where T : class => json is null ? null : Parse<T>(json);

    /// <summary>Records are kept as UTF-8 JSON (half the memory of a string), in the durable stores' form (<see cref="StoreJson"/>).</summary>
    private static byte[] Utf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, StoreJson.Options);

    private static T Parse<T>(byte[] json) => JsonSerializer.Deserialize<T>(json, StoreJson.Options)
        ?? throw new InvalidDataException($"Stored {typeof(T).Name} is empty.");

    private static void Add<TKey, TList, TValue>(Dictionary<TKey, TList> lists, TKey key, TValue value)
        where TKey : notnull
        where TList : ICollection<TValue>, new()
    {
        if (!lists.TryGetValue(key, out var list))
        {
            lists[key] = list = new TList();
        }

        list.Add(value);
    }

    private sealed record Versioned(long Version, byte[] Json);

    private sealed record StoredFlow(long Version, byte[] Json, bool Open, long DueTicks);

    private sealed record StoredObligation(byte[] Json, int FlowNumber, bool Open);
}
