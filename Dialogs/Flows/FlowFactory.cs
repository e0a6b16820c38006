using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Flows;

public static class FlowFactory
{
    public static IFlow Create(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations) => record.Kind switch
    {
        FlowKind.Split => new SplitBillFlow(record, context, obligations),
        FlowKind.Collect => new CollectFlow(record, context, obligations),
        FlowKind.Lottery => new LotteryFlow(record, context, obligations),
        FlowKind.Raffle => new RaffleFlow(record, context, obligations),
        FlowKind.Transfer or FlowKind.Request => new TransferFlow(record, context, obligations),
        FlowKind.SettleUp => new SettleUpFlow(record, context, obligations),
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "Unknown flow kind."),
    };

    /// <summary>A flow over a blank record, for describing its machine (diagrams, docs).</summary>
    public static IFlow Describe(FlowKind kind) => Create(
        new FlowRecord { Id = "describe#0", ChatKey = "describe", Number = 0, Kind = kind, State = "Draft", Creator = "describe", CurrencyCode = "EUR" },
        null, []);

    /// <summary>The clock's trigger for a flow whose due time came.</summary>
    public static FlowTrigger? DueTrigger(IFlow flow, DateTimeOffset now) => flow switch
    {
        CollectFlow collect => collect.DueTrigger(now),
        LotteryFlow lottery => lottery.DueTrigger(now),
        SplitBillFlow or RaffleFlow => FlowTrigger.Expire,
        _ => null,
    };
}
