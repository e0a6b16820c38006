using GroupPay.BotHost.Storage;
using GroupPay.Payments.Providers;
using LiteDB;

namespace GroupPay.BotHost.Payments;

/// <summary>Payment attempts and handled gateway events, in two collections of the host's LiteDB file.</summary>
public sealed class LitePaymentRecords : IPaymentRecords
{
    private readonly ILiteCollection<BsonDocument> attempts;
    private readonly ILiteCollection<BsonDocument> events;

    public LitePaymentRecords(LiteDbStore store)
    {
        attempts = store.Collection("payment_attempts");
        events = store.Collection("payment_events");
        attempts.EnsureIndex("obligation");
        attempts.EnsureIndex("ref");
        attempts.EnsureIndex("unsettled");
        events.EnsureIndex("at");
    }

    public Task<PaymentAttempt?> LatestAttemptAsync(string obligationId, string provider, CancellationToken ct) =>
        Task.FromResult(attempts.Find(Query.EQ("obligation", obligationId))
            .Where(d => d["provider"].AsString == provider)
            .Select(Read)
            .MaxBy(a => a.Number));

    public Task<PaymentAttempt?> FindAttemptAsync(string provider, string reference, CancellationToken ct) =>
        Task.FromResult(attempts.Find(Query.EQ("ref", $"{provider}:{reference}")).Select(Read).FirstOrDefault());

    public Task SaveAttemptAsync(PaymentAttempt attempt, CancellationToken ct)
    {
        attempts.Upsert(new BsonDocument
        {
            ["_id"] = attempt.Id,
            ["obligation"] = attempt.ObligationId,
            ["provider"] = attempt.Provider,
            ["ref"] = $"{attempt.Provider}:{attempt.Reference}",
            ["unsettled"] = attempt.IsUnsettled,
            ["created"] = attempt.CreatedAt.UtcTicks,
            ["data"] = StoreJson.Write(attempt),
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PaymentAttempt>> UnsettledAttemptsAsync(string provider, DateTimeOffset createdBefore, int max, CancellationToken ct)
    {
        IReadOnlyList<PaymentAttempt> result = attempts.Find(Query.EQ("unsettled", true))
            .Where(d => d["provider"].AsString == provider && d["created"].AsInt64 <= createdBefore.UtcTicks)
            .Select(Read)
            .OrderBy(a => a.CreatedAt)
            .Take(max)
            .ToList();
        return Task.FromResult(result);
    }

    public Task<bool> IsEventHandledAsync(string provider, string eventId, CancellationToken ct) =>
        Task.FromResult(events.Exists(Query.EQ("_id", $"{provider}:{eventId}")));

    public Task MarkEventHandledAsync(string provider, string eventId, DateTimeOffset at, CancellationToken ct)
    {
        events.Upsert(new BsonDocument { ["_id"] = $"{provider}:{eventId}", ["at"] = at.UtcTicks });
        return Task.CompletedTask;
    }

    public Task<int> ForgetEventsBeforeAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        Task.FromResult(events.DeleteMany(Query.LT("at", cutoff.UtcTicks)));

    private static PaymentAttempt Read(BsonDocument doc) => StoreJson.Read<PaymentAttempt>(doc["data"].AsString);
}
