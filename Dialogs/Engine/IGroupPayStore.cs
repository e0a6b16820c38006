using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary>Raised when a record changed under a turn (another host wrote it first); the turn is retried.</summary>
public sealed class ConcurrencyException(string message) : Exception(message);

/// <summary>
/// Durable state of every chat. Implementations keep their database types to themselves; <see cref="CommitAsync"/>
/// writes a whole turn (records, journal, tokens, outbox and the dedupe key) atomically or not at all.
/// </summary>
public interface IGroupPayStore
{
    Task<bool> IsProcessedAsync(string dedupeKey, CancellationToken ct = default);

    /// <summary>
    /// Forgets the dedupe keys of turns committed before <paramref name="before"/>, so the store does not grow with every
    /// update for good; an update redelivered after that would run again. Returns how many were forgotten.
    /// </summary>
    Task<int> ForgetProcessedAsync(DateTimeOffset before, CancellationToken ct = default);
    Task<ChatRecord?> LoadChatAsync(string chatKey, CancellationToken ct = default);
    Task<FlowRecord?> LoadFlowAsync(string chatKey, int number, CancellationToken ct = default);
    /// <summary>The chat's flows with these numbers, in one read (numbers not found are left out; the order is the store's).</summary>
    Task<IReadOnlyList<FlowRecord>> LoadFlowsAsync(string chatKey, IReadOnlyCollection<int> numbers, CancellationToken ct = default);

    Task<IReadOnlyList<FlowRecord>> RecentFlowsAsync(string chatKey, int count, bool openOnly, CancellationToken ct = default);
    Task<IReadOnlyList<FlowRecord>> DueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default);
    Task<Obligation?> LoadObligationAsync(string id, CancellationToken ct = default);

    /// <summary>The obligations with these ids, in one read (ids not found are left out; the order is the store's).</summary>
    Task<IReadOnlyList<Obligation>> LoadObligationsAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default);
    Task<Obligation?> FindObligationByPayTokenAsync(string payToken, CancellationToken ct = default);
    Task<IReadOnlyList<Obligation>> ObligationsAsync(string chatKey, int? flowNumber, bool openOnly, CancellationToken ct = default);
    Task<IReadOnlyList<JournalEntry>> JournalAsync(string chatKey, CancellationToken ct = default);

    /// <summary>The chat's journal entries after sequence number <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> JournalAfterAsync(string chatKey, long afterSequence, CancellationToken ct = default);
    Task<ButtonToken?> LoadTokenAsync(string token, CancellationToken ct = default);
    Task CommitAsync(TurnCommit commit, CancellationToken ct = default);

    Task<IReadOnlyList<OutboxItem>> PendingOutboxAsync(int max, CancellationToken ct = default);
    Task MarkDeliveredAsync(long outboxId, CancellationToken ct = default);
    Task<string?> LoadCardRefAsync(string chatKey, string cardKey, CancellationToken ct = default);
    Task SaveCardRefAsync(string chatKey, string cardKey, string messageRef, CancellationToken ct = default);
    Task<IReadOnlyList<string>> ChatKeysAsync(CancellationToken ct = default);
    Task<bool> PingAsync(CancellationToken ct = default);

    /// <summary>
    /// Serialises turns of one chat across processes; held for the whole turn, inside the engine's in-process gate.
    /// A single-process store returns a lock that does nothing.
    /// </summary>
    Task<IAsyncDisposable> LockChatAsync(string chatKey, CancellationToken ct = default);

    /// <summary>
    /// Due flows this process may run now: a shared store hands each due flow to one process for a while (a lease), so
    /// hosts do not all run it; a crashed host's claims come back when their lease runs out.
    /// </summary>
    Task<IReadOnlyList<FlowRecord>> ClaimDueFlowsAsync(DateTimeOffset now, int max, CancellationToken ct = default);

    /// <summary>
    /// Pending outbox items of the chats this process may deliver now, oldest first. A shared store leases whole chats,
    /// so one chat is delivered by one host at a time and in order; <see cref="ReleaseOutboxChatAsync"/> gives it back.
    /// Items of chats <paramref name="busy"/> names (this process is delivering them already) are left out; their claims
    /// are kept.
    /// </summary>
    Task<IReadOnlyList<OutboxItem>> ClaimOutboxAsync(int max, Func<string, bool>? busy = null, CancellationToken ct = default);

    Task ReleaseOutboxChatAsync(string chatKey, CancellationToken ct = default);
}

/// <summary>
/// The chat lock of a store that one process owns (<see cref="IGroupPayStore.LockChatAsync"/>): the engine's in-process
/// gate already serialises a chat's turns, so there is nothing to take.
/// </summary>
public sealed class NoChatLock : IAsyncDisposable
{
    private NoChatLock()
    {
    }

    /// <summary>Already taken, so that a turn's lock costs no allocation.</summary>
    public static Task<IAsyncDisposable> Taken { get; } = Task.FromResult<IAsyncDisposable>(new NoChatLock());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
