using System.Diagnostics;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;

namespace GroupPay.BotHost.Hosting;

/// <summary>The one door into the engine for every channel and gateway: runs the turn and counts it.</summary>
public sealed class Turns(DialogEngine engine, Metrics metrics) : ITurnHandler
{
    public DialogEngine Engine => engine;

    public async Task<TurnResult> HandleAsync(Inbound inbound, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await engine.HandleAsync(inbound, ct);
        metrics.UpdateReceived(result.Duplicate);
        if (!result.Duplicate)
        {
            metrics.Turn(Stopwatch.GetElapsedTime(started));
            if (inbound is PaymentInbound)
            {
                metrics.PaymentConfirmed();
            }
        }

        return result;
    }
}
