using System.Collections.Frozen;
using System.Text.Json;
using Stripe;
using Stripe.Checkout;

namespace GroupPay.Payments.Providers.Stripe;

/// <param name="SecretKey">The API key (<c>sk_…</c>).</param>
/// <param name="WebhookSecrets">The endpoint secrets (<c>whsec_…</c>); two while one is rolled.</param>
/// <param name="ApiBase">Stripe's API address; a local fake in tests.</param>
public sealed record StripeSettings(string SecretKey, IReadOnlyList<string> WebhookSecrets, string? ApiBase);

/// <summary>
/// Stripe Checkout: one Checkout Session per attempt at paying an obligation (payments.md §0.1, §1.1). Webhooks are
/// verified on the raw bytes by <see cref="StripeSignature"/> and read with System.Text.Json, never with
/// <c>EventUtility.ConstructEvent</c>, whose API-version check would refuse events of another release train (§1.4);
/// the session is then re-fetched through the SDK, whose requests carry the SDK's own pinned version.
/// </summary>
public sealed class StripeProvider : IPaymentProvider
{
    public const string ProviderName = "stripe";
    private static readonly FrozenSet<string> SessionEvents = new[]
    {
        "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed", "checkout.session.expired",
    }.ToFrozenSet();

    private readonly StripeClient client;
    private readonly StripeSettings settings;
    private readonly TimeProvider time;

    public StripeProvider(StripeSettings settings, HttpClient http, TimeProvider time)
    {
        this.settings = settings;
        this.time = time;
        client = new StripeClient(new StripeClientOptions
        {
            ApiKey = settings.SecretKey,
            ApiBase = string.IsNullOrEmpty(settings.ApiBase) ? null : settings.ApiBase.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 2, appInfo: null, enableTelemetry: false),
        });
    }

    public string Name => ProviderName;

    public ProviderCapabilities Capabilities { get; } =
        new(ConfirmsAutomatically: true, Currencies: null, StripeAmounts.Minimum, StripeAmounts.IsRepresentable);

    public async Task<PaymentHandle> CreateAsync(PaymentRequest request, CancellationToken ct)
    {
        if (Capabilities.Check(request.Amount) is { } refusal)
        {
            throw new PaymentRefusedException(refusal);
        }

        StripeAmounts.TryToStripe(request.Amount, out var units);

        var metadata = new Dictionary<string, string>
        {
            ["obligation_id"] = request.ObligationId,
            ["chat_key"] = request.ChatKey,
            ["attempt_id"] = request.AttemptId,
        };
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = request.AttemptId,
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string>(metadata) },
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = request.Amount.Currency.Code.ToLowerInvariant(),
                        UnitAmount = units,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = request.Description },
                    },
                },
            ],
            SuccessUrl = request.SuccessUrl.ToString(),
            CancelUrl = request.CancelUrl.ToString(),
            ExpiresAt = request.ExpiresAt.UtcDateTime,
        };

        try
        {
            var session = await client.V1.Checkout.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = $"checkout:{request.AttemptId}" }, ct);
            return new PaymentHandle(Name, session.Id, session.Url is { Length: > 0 } url ? new Uri(url) : null,
                new DateTimeOffset(DateTime.SpecifyKind(session.ExpiresAt, DateTimeKind.Utc)));
        }
        catch (StripeException exception) when (exception.StripeError?.Code == "amount_too_small")
        {
            throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.BelowMinimum, Detail: exception.StripeError.Message));
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "invalid_request_error")
        {
            throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.Rejected, Detail: exception.StripeError.Message));
        }
    }

    public async Task<PaymentSnapshot> GetAsync(string reference, CancellationToken ct)
    {
        var session = await client.V1.Checkout.Sessions.GetAsync(reference, null, null, ct);
        Money? amount = null;
        if (session.AmountTotal is { } total && Currency.TryGet((session.Currency ?? "").ToUpperInvariant(), out var currency))
        {
            amount = StripeAmounts.FromStripe(total, currency);
        }

        var metadata = session.Metadata ?? [];
        return new PaymentSnapshot(
            session.Id,
            metadata.GetValueOrDefault("obligation_id"),
            metadata.GetValueOrDefault("chat_key"),
            StateOf(session.Status, session.PaymentStatus),
            amount,
            time.GetUtcNow());
    }

    public async Task CancelAsync(string reference, CancellationToken ct) =>
        await client.V1.Checkout.Sessions.ExpireAsync(reference, null, new RequestOptions { IdempotencyKey = $"expire:{reference}" }, ct);

    public bool VerifyWebhook(InboundWebhook webhook) =>
        StripeSignature.Verify(webhook.RawBody.Span, webhook.Header(StripeSignature.Header), settings.WebhookSecrets, time.GetUtcNow(),
            StripeSignature.DefaultTolerance);

    public WebhookEvent? ParseWebhook(InboundWebhook webhook)
    {
        try
        {
            using var json = JsonDocument.Parse(webhook.RawBody);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            string? reference = null;
            if (SessionEvents.Contains(type.GetString()!)
                && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("object", out var session) && session.ValueKind == JsonValueKind.Object
                && session.TryGetProperty("id", out var sessionId) && sessionId.ValueKind == JsonValueKind.String)
            {
                reference = sessionId.GetString();
            }

            // A failed delayed payment leaves the session "complete" and "unpaid", like one still processing; only the event tells them apart.
            var hint = type.GetString() == "checkout.session.async_payment_failed" ? PaymentState.Failed : (PaymentState?)null;
            return new WebhookEvent(id.GetString()!, type.GetString()!, reference, Hint: hint);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Paid only when the session is complete and its payment_status is paid (payments.md §1.2).</summary>
    public static PaymentState StateOf(string? status, string? paymentStatus) => (status, paymentStatus) switch
    {
        ("complete", "paid" or "no_payment_required") => PaymentState.Succeeded,
        ("complete", _) => PaymentState.Processing,
        ("expired", _) => PaymentState.Expired,
        _ => PaymentState.Open,
    };
}
