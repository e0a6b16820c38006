using GroupPay.BotHost.Hosting;
using GroupPay.Payments.Providers;
using Microsoft.Extensions.Options;

namespace GroupPay.BotHost.Payments;

/// <summary>
/// Polls gateway payments still open or processing some time after they were created and settles them exactly as a
/// webhook would: a payment whose webhook was lost is confirmed all the same. Also forgets handled webhook events
/// once they are older than <see cref="EventRetention"/> (Stripe redelivers and replays events for up to 30 days).
/// </summary>
public sealed class PaymentReconciler(
    PaymentProviders providers, IPaymentRecords records, PaymentService payments, IOptions<StripeOptions> options, TimeProvider time,
    ILogger<PaymentReconciler> logger) : PeriodicService(time, logger)
{
    /// <summary>As long as the dedupe keys of turns are kept, for the same reason (<see cref="DedupeRetention"/>).</summary>
    public static readonly TimeSpan EventRetention = DedupeRetention.Retention;
    private const int BatchSize = 100;

    /// <summary>One pass over every gateway; returns how many payments it looked at.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        var looked = 0;
        // The sandbox's payments live in its signed events, not behind an API worth polling; Telegram has no API to ask.
        foreach (var provider in providers.All.Where(p => p.Name != SandboxProvider.ProviderName && !p.Capabilities.PaysInChat))
        {
            foreach (var attempt in await records.UnsettledAttemptsAsync(provider.Name, now - options.Value.ReconcileAfter, BatchSize, ct))
            {
                looked++;
                try
                {
                    await payments.ApplyAsync(provider, await provider.GetAsync(attempt.Reference, ct), hint: null, ct);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Logger.LogWarning(exception, "Reconciling {Provider} payment {Reference} failed; trying again next pass", provider.Name, attempt.Reference);
                }
            }
        }

        await records.ForgetEventsBeforeAsync(now - EventRetention, ct);
        return looked;
    }

    protected override TimeSpan Interval => options.Value.ReconcileInterval;

    protected override string PassName => "Payment reconciliation";

    protected override Task PassAsync(CancellationToken ct) => RunOnceAsync(ct);
}
