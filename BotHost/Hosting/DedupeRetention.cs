using GroupPay.Dialogs.Engine;

namespace GroupPay.BotHost.Hosting;

/// <summary>
/// Forgets the dedupe keys of turns older than <see cref="Retention"/>, so the store (and the start, which reads every
/// key into its filter) does not grow with every update for good. No platform redelivers that late: Telegram keeps an
/// undelivered update for 24 hours, Bot Framework and Discord retry for seconds, Stripe redelivers and replays events
/// for up to 30 days. A payment seen again after that still cannot be counted twice: a closed obligation takes none.
/// </summary>
public sealed class DedupeRetention(IGroupPayStore store, TimeProvider time, ILogger<DedupeRetention> logger) : PeriodicService(time, logger)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(35);
    /// <summary>A pass a minute after the start (which has enough to do), then every 6 hours: a host restarted more often still forgets.</summary>
    public static readonly TimeSpan FirstPass = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Every = TimeSpan.FromHours(6);

    /// <summary>One pass; returns how many keys were forgotten.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var forgotten = await store.ForgetProcessedAsync(Time.GetUtcNow() - Retention, ct);
        if (forgotten > 0)
        {
            Logger.LogInformation("Forgot {Count} dedupe keys older than {Days} days", forgotten, Retention.TotalDays);
        }

        return forgotten;
    }

    protected override TimeSpan Interval => Every;

    protected override TimeSpan FirstPassAfter => FirstPass;

    protected override string PassName => "Forgetting old dedupe keys";

    protected override Task PassAsync(CancellationToken ct) => RunOnceAsync(ct);
}
