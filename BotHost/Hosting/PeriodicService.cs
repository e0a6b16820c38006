namespace GroupPay.BotHost.Hosting;

/// <summary>
/// A background pass run now and then: the first after <see cref="FirstPassAfter"/>, then one every
/// <see cref="Interval"/> on the host's clock. A pass that fails is logged and the next one runs as planned.
/// </summary>
public abstract class PeriodicService(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The host's clock (a fake one in tests).</summary>
    protected TimeProvider Time => time;

    protected ILogger Logger => logger;

    protected abstract TimeSpan Interval { get; }

    protected virtual TimeSpan FirstPassAfter => TimeSpan.Zero;

    /// <summary>What a pass does, for the log ("Running due flows").</summary>
    protected abstract string PassName { get; }

    protected abstract Task PassAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (FirstPassAfter > TimeSpan.Zero && !await DelayAsync(FirstPassAfter, stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "{Pass} failed; trying again in {Interval}", PassName, Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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
