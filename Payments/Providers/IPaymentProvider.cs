namespace GroupPay.Payments.Providers;

/// <summary>
/// A payment gateway behind <c>/pay/{token}</c>: it creates (or reuses) a payment for one obligation, reports the
/// payment's state, cancels it, and authenticates and reads its webhooks. Adapters only translate; the host owns the
/// state and settles an obligation only on a state it fetched or verified (payments.md §6.1).
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The name used in <c>/settings provider</c>, in webhook paths and in <c>Obligation.PaidVia</c>.</summary>
    string Name { get; }

    ProviderCapabilities Capabilities { get; }

    /// <summary>Idempotent on <see cref="PaymentRequest.AttemptId"/>: asking twice gives the same payment.</summary>
    /// <exception cref="PaymentRefusedException">The gateway cannot take this amount.</exception>
    Task<PaymentHandle> CreateAsync(PaymentRequest request, CancellationToken ct);

    /// <summary>The payment as the gateway has it now; used after each webhook and by reconciliation.</summary>
    Task<PaymentSnapshot> GetAsync(string reference, CancellationToken ct);

    /// <summary>Ends a payment that is still open, so it can no longer be paid.</summary>
    Task CancelAsync(string reference, CancellationToken ct);

    /// <summary>Checks the webhook's signature on its raw bytes. Nothing is parsed before this says yes.</summary>
    bool VerifyWebhook(InboundWebhook webhook);

    /// <summary>Reads a verified webhook; null when it is not an event this provider understands. Changes nothing.</summary>
    WebhookEvent? ParseWebhook(InboundWebhook webhook);
}

/// <summary>What a provider can do; checked before a payment is created, instead of "not supported" exceptions.</summary>
/// <param name="ConfirmsAutomatically">A verified webhook or poll confirms payment; nobody has to tap "received".</param>
/// <param name="Currencies">Upper-case ISO codes the provider takes; null when it takes every currency it is asked for.</param>
/// <param name="MinimumAmount">The smallest amount it charges in a currency, when it has one.</param>
/// <param name="Representable">Whether an amount can be charged exactly (some gateways restrict the last digits).</param>
public sealed record ProviderCapabilities(
    bool ConfirmsAutomatically,
    IReadOnlySet<string>? Currencies,
    Func<Currency, Money?> MinimumAmount,
    Func<Money, bool> Representable)
{
    /// <summary>The largest amount it charges in a currency, when it has one.</summary>
    public Func<Currency, Money?> MaximumAmount { get; init; } = _ => null;

    /// <summary>The payment happens inside the chat (an invoice posted there), not on a page the payer is sent to.</summary>
    public bool PaysInChat { get; init; }

    /// <summary>The reason this amount cannot be paid through the provider, or null when it can.</summary>
    public PaymentRefusal? Check(Money amount)
    {
        if (Currencies is not null && !Currencies.Contains(amount.Currency.Code))
        {
            return new PaymentRefusal(RefusalKind.CurrencyNotSupported);
        }

        if (MinimumAmount(amount.Currency) is { } minimum && amount < minimum)
        {
            return new PaymentRefusal(RefusalKind.BelowMinimum, minimum);
        }

        if (MaximumAmount(amount.Currency) is { } maximum && amount > maximum)
        {
            return new PaymentRefusal(RefusalKind.AboveMaximum, Maximum: maximum);
        }

        return Representable(amount) ? null : new PaymentRefusal(RefusalKind.NotRepresentable);
    }
}

/// <summary>
/// Why a payment cannot be made. <see cref="Unavailable"/>: the provider cannot serve this chat at all; its
/// <see cref="PaymentRefusal.Detail"/> is written for the payer.
/// </summary>
public enum RefusalKind { CurrencyNotSupported, BelowMinimum, NotRepresentable, Rejected, AboveMaximum, Unavailable }

/// <summary>
/// Why a provider will not take a payment; <paramref name="Minimum"/> is set for <see cref="RefusalKind.BelowMinimum"/>,
/// <paramref name="Maximum"/> for <see cref="RefusalKind.AboveMaximum"/>.
/// </summary>
public sealed record PaymentRefusal(RefusalKind Kind, Money? Minimum = null, string? Detail = null, Money? Maximum = null);

public sealed class PaymentRefusedException(PaymentRefusal refusal)
    : Exception($"The provider refused the payment: {refusal.Kind}.")
{
    public PaymentRefusal Refusal { get; } = refusal;
}

/// <summary>One attempt at paying one obligation. <paramref name="AttemptId"/> is the idempotency key's root.</summary>
public sealed record PaymentRequest(
    string AttemptId,
    string ObligationId,
    string ChatKey,
    Money Amount,
    string Description,
    DateTimeOffset ExpiresAt,
    Uri SuccessUrl,
    Uri CancelUrl)
{
    /// <summary>The obligation's pay-link token; an in-chat invoice carries it back as its payload.</summary>
    public string? PayToken { get; init; }
    public string? DebtorName { get; init; }
    public string? CreditorName { get; init; }
    /// <summary>What the debt is for, with its flow number: "Dinner (#3)".</summary>
    public string? Reason { get; init; }
}

/// <summary>A created payment: where to send the payer (null when the host shows its own page), and its gateway id.</summary>
public sealed record PaymentHandle(string Provider, string Reference, Uri? RedirectUrl, DateTimeOffset? ExpiresAt);

/// <summary>Open: can still be paid. Processing: paid with a method that confirms later. The rest are final.</summary>
public enum PaymentState { Open, Processing, Succeeded, Failed, Expired, Canceled }

/// <summary>A payment as the gateway reports it. <see cref="Amount"/> is in the obligation's minor units.</summary>
public sealed record PaymentSnapshot(
    string Reference, string? ObligationId, string? ChatKey, PaymentState State, Money? Amount, DateTimeOffset ObservedAt);

/// <summary>A webhook exactly as received: the raw bytes are what the signature covers.</summary>
public sealed record InboundWebhook(IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> RawBody, DateTimeOffset ReceivedAt)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A gateway event, normalised. It is a hint: the host re-fetches <see cref="Reference"/> before acting, unless the
/// provider vouches for the state in the signed event itself (<see cref="Snapshot"/>, the built-in sandbox).
/// </summary>
/// <param name="Hint">A state the event asserts that the fetched payment cannot show (a failed delayed payment).</param>
public sealed record WebhookEvent(string EventId, string Type, string? Reference, PaymentSnapshot? Snapshot = null, PaymentState? Hint = null);
