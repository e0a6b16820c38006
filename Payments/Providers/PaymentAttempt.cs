namespace GroupPay.Payments.Providers;

/// <summary>
/// One try at paying an obligation through a gateway: obligation → provider's payment (a Stripe Checkout Session).
/// The number makes the idempotency key, so the same attempt never creates two payments.
/// </summary>
public sealed class PaymentAttempt
{
    public required string ObligationId { get; init; }
    public required string ChatKey { get; init; }
    public required string Provider { get; init; }
    public required int Number { get; init; }
    public required string Reference { get; init; }
    public string? RedirectUrl { get; init; }
    public PaymentState State { get; set; } = PaymentState.Open;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? CheckedAt { get; set; }

    public string Id => AttemptId(ObligationId, Number);

    public static string AttemptId(string obligationId, int number) => $"{obligationId}:a{number}";

    /// <summary>Open or processing: the gateway may still take (or confirm) money for it.</summary>
    public bool IsUnsettled => State is PaymentState.Open or PaymentState.Processing;
}

/// <summary>Durable records of the payment side: attempts, and the gateway events already handled.</summary>
public interface IPaymentRecords
{
    Task<PaymentAttempt?> LatestAttemptAsync(string obligationId, string provider, CancellationToken ct);
    Task<PaymentAttempt?> FindAttemptAsync(string provider, string reference, CancellationToken ct);
    Task SaveAttemptAsync(PaymentAttempt attempt, CancellationToken ct);
    /// <summary>Attempts still open or processing that were created before <paramref name="createdBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<PaymentAttempt>> UnsettledAttemptsAsync(string provider, DateTimeOffset createdBefore, int max, CancellationToken ct);

    Task<bool> IsEventHandledAsync(string provider, string eventId, CancellationToken ct);
    Task MarkEventHandledAsync(string provider, string eventId, DateTimeOffset at, CancellationToken ct);
    /// <summary>Forgets handled events older than <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> ForgetEventsBeforeAsync(DateTimeOffset cutoff, CancellationToken ct);
}
