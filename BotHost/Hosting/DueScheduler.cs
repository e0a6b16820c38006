using GroupPay.Dialogs.Engine;

namespace GroupPay.BotHost.Hosting;

/// <summary>Feeds flows whose persisted due time has come (deadlines, expiries, reminders) to the engine.</summary>
public sealed class DueScheduler(DialogEngine engine, TimeProvider time, ILogger<DueScheduler> logger) : PeriodicService(time, logger)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override TimeSpan Interval => Every;

    protected override string PassName => "Running due flows";

    protected override Task PassAsync(CancellationToken ct) => engine.RunDueAsync(ct);
}
