using GroupPay.Dialogs.Engine;

namespace GroupPay.BotHost.Hosting;

/// <summary>
/// Forgets the dedupe keys of turns older than <see cref="Retention"/>, so the store (and the start, which reads every
/// key into its filter) does not grow with every update for good. No platform redelivers that late: Telegram keeps an
/// undelivered update for 24 hours, Bot Framework and Discord retry for seconds, Stripe redelivers and replays events
/// for up to 30 days. A payment seen again after that still cannot be counted twice: a closed obligation takes none.
/// </summary>
public sealed class DedupeRetention(IGroupPayStore store, TimeProvider time, ILogger<DedupeRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(35);
    public static readonly TimeSpan Interval = TimeSpan.FromHours(6);
    public static readonly TimeSpan FirstPassAfter = TimeSpan.FromMinutes(1);

    /// <summary>One pass; returns how many keys were forgotten.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var forgotten = await store.ForgetProcessedAsync(time.GetUtcNow() - Retention, ct);
        if (forgotten > 0)
        {
            logger.LogInformation("Forgot {Count} dedupe keys older than {Days} days", forgotten, Retention.TotalDays);
        }

        return forgotten;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass a minute after the start (which has enough to do), then every interval: a host restarted more
        // often than that still forgets.
        try
        {
            await Task.Delay(FirstPassAfter, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Forgetting old dedupe keys failed; trying again next pass");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
