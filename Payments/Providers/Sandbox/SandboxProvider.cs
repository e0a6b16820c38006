using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace GroupPay.Payments.Providers;

/// <summary>A sandbox payment event, as the sandbox gateway posts it to the webhook.</summary>
public sealed record SandboxEvent(string Id, string Type, string ChatKey, string ObligationId, long Amount, string Currency, long Created);

/// <summary>
/// The built-in fake gateway (no money moves). Its checkout page is the host's own, so a payment has no redirect; its
/// events are signed by the host's sandbox secret and carry the payment's whole state, so the signed event is the
/// gateway's statement and needs no re-fetch. It remembers the payments it reported, for <see cref="GetAsync"/>.
/// </summary>
public sealed class SandboxProvider(string webhookSecret, TimeProvider time) : IPaymentProvider
{
    public const string ProviderName = "sandbox";
    private readonly ConcurrentDictionary<string, PaymentSnapshot> payments = new(StringComparer.Ordinal);

    public string Name => ProviderName;

    public ProviderCapabilities Capabilities { get; } = new(ConfirmsAutomatically: true, Currencies: null, _ => null, _ => true);

    /// <summary>The sandbox gateway's record of a payment it just reported through its webhook.</summary>
    public void Report(PaymentSnapshot payment) => payments[payment.Reference] = payment;

    public Task<PaymentHandle> CreateAsync(PaymentRequest request, CancellationToken ct)
    {
        var reference = "sbx_" + request.AttemptId;
        payments.TryAdd(reference, new PaymentSnapshot(reference, request.ObligationId, request.ChatKey, PaymentState.Open, request.Amount, time.GetUtcNow()));
        return Task.FromResult(new PaymentHandle(Name, reference, RedirectUrl: null, request.ExpiresAt));
    }

    public Task<PaymentSnapshot> GetAsync(string reference, CancellationToken ct) =>
        Task.FromResult(payments.TryGetValue(reference, out var known)
            ? known
            : new PaymentSnapshot(reference, null, null, PaymentState.Open, null, time.GetUtcNow()));

    public Task CancelAsync(string reference, CancellationToken ct)
    {
        payments.AddOrUpdate(reference,
            _ => new PaymentSnapshot(reference, null, null, PaymentState.Canceled, null, time.GetUtcNow()),
            (_, known) => known.State == PaymentState.Open ? known with { State = PaymentState.Canceled, ObservedAt = time.GetUtcNow() } : known);
        return Task.CompletedTask;
    }

    public bool VerifyWebhook(InboundWebhook webhook) =>
        SandboxSignature.Verify(webhook.Header(SandboxSignature.Header), Encoding.UTF8.GetString(webhook.RawBody.Span), webhookSecret, time.GetUtcNow());

    public WebhookEvent? ParseWebhook(InboundWebhook webhook)
    {
        SandboxEvent? payment;
        try
        {
            payment = JsonSerializer.Deserialize<SandboxEvent>(webhook.RawBody.Span, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }

        if (payment is null || payment.Id is null || payment.ObligationId is null || payment.ChatKey is null || payment.Currency is null
            || !Currency.TryGet(payment.Currency, out var currency))
        {
            return null;
        }

        var state = payment.Type switch
        {
            "payment.succeeded" => PaymentState.Succeeded,
            "payment.failed" => PaymentState.Failed,
            _ => PaymentState.Open,
        };
        var snapshot = new PaymentSnapshot(payment.Id, payment.ObligationId, payment.ChatKey, state, Money.FromMinor(payment.Amount, currency), time.GetUtcNow());
        return new WebhookEvent(payment.Id, payment.Type, payment.Id, snapshot);
    }
}
