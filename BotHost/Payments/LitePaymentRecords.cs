using GroupPay.BotHost.Storage;
using GroupPay.Payments.Providers;
using LiteDB;

namespace GroupPay.BotHost.Payments;

/// <summary>Payment attempts and handled gateway events, in two collections of the host's LiteDB file.</summary>
public sealed class LitePaymentRecords : IPaymentRecords
{
    private readonly LiteDbStore store;
    private readonly ILiteCollection<BsonDocument> attempts;
    private readonly ILiteCollection<BsonDocument> events;

    public LitePaymentRecords(LiteDbStore store)
    {
        this.store = store;
        attempts = store.Collection("payment_attempts");
        events = store.Collection("payment_events");
        store.LockedNow(() => attempts.EnsureIndex("obligation") && attempts.EnsureIndex("ref") && attempts.EnsureIndex("unsettled") && events.EnsureIndex("at"));
    }

    public Task<PaymentAttempt?> LatestAttemptAsync(string obligationId, string provider, CancellationToken ct) =>
        store.Locked(() => attempts.Find(LiteQuery.Eq("obligation", obligationId))
            .Where(d => d["provider"].AsString == provider)
            .Select(Read)
            .MaxBy(a => a.Number));

    public Task<PaymentAttempt?> FindAttemptAsync(string provider, string reference, CancellationToken ct) =>
        store.Locked(() => attempts.Find(LiteQuery.Eq("ref", $"{provider}:{reference}")).Select(Read).FirstOrDefault());

    public Task SaveAttemptAsync(PaymentAttempt attempt, CancellationToken ct) =>
        store.Locked(() => attempts.Upsert(new BsonDocument
        {
            ["_id"] = attempt.Id,
            ["obligation"] = attempt.ObligationId,
            ["provider"] = attempt.Provider,
            ["ref"] = $"{attempt.Provider}:{attempt.Reference}",
            ["unsettled"] = attempt.IsUnsettled,
            ["created"] = attempt.CreatedAt.UtcTicks,
            ["data"] = StoreJson.Write(attempt),
        }));

    public Task<IReadOnlyList<PaymentAttempt>> UnsettledAttemptsAsync(string provider, DateTimeOffset createdBefore, int max, CancellationToken ct) =>
        store.Locked<IReadOnlyList<PaymentAttempt>>(() => attempts.Find(LiteQuery.Eq("unsettled", true))
            .Where(d => d["provider"].AsString == provider && d["created"].AsInt64 <= createdBefore.UtcTicks)
            .Select(Read)
            .OrderBy(a => a.CreatedAt)
            .Take(max)
            .ToList());

    public Task<bool> IsEventHandledAsync(string provider, string eventId, CancellationToken ct) =>
        store.Locked(() => events.FindById($"{provider}:{eventId}") is not null);

    public Task MarkEventHandledAsync(string provider, string eventId, DateTimeOffset at, CancellationToken ct) =>
        store.Locked(() => events.Upsert(new BsonDocument { ["_id"] = $"{provider}:{eventId}", ["at"] = at.UtcTicks }));

    public Task<int> ForgetEventsBeforeAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        store.Locked(() => events.DeleteMany(LiteQuery.Lt("at", cutoff.UtcTicks)));

    private static PaymentAttempt Read(BsonDocument doc) => StoreJson.Read<PaymentAttempt>(doc["data"].AsString);
}
