using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Flows;

/// <summary>
/// <c>/settle</c>: every open obligation of the chat in one currency is netted (a novation: the old ones become
/// Netted) and replaced by the fewest transfers that leave every member's net unchanged. A plan cannot be
/// cancelled: it already replaced the debts it came from.
/// </summary>
public sealed class SettleUpFlow : FlowBase<SettleUpFlow.State>
{
    public enum State { Draft, Awaiting, Settled }

    public SettleUpFlow(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations)
        : base(record, context, obligations)
    {
        Machine.Configure(State.Draft)
            .PermitIf(FlowTrigger.Start, State.Awaiting, () => Plan?.Transfers.Count > 0, "transfers-needed")
            .PermitIf(FlowTrigger.Start, State.Settled, () => Plan is null || Plan.Transfers.Count == 0, "debts-cancel-out");

        Machine.Configure(State.Awaiting)
            .OnEntryFrom(FlowTrigger.Start, Novate)
            .InternalTransitionIf(Paid, id => !LastOpen(id), (_, _) => { }, "others-still-owe")
            .PermitIf(Paid, State.Settled, LastOpen, "last-transfer-paid");

        Machine.Configure(State.Settled)
            .OnEntryFrom(FlowTrigger.Start, Novate)
            .OnEntry(Finish);
    }

    /// <summary>The old obligations to net and the plan that replaces them; set by the command before Start.</summary>
    public IReadOnlyList<Obligation> Replaced { get; init; } = [];
    public SettlementPlan? Plan { get; init; }

    private void Novate()
    {
        foreach (var old in Replaced)
        {
            Context.Close(old, ObligationState.Netted, reference: Record.Id);
        }

        foreach (var transfer in Plan?.Transfers ?? [])
        {
            CreateObligation(transfer.From, transfer.To, transfer.Minor);
        }

        Record.IsOptimalPlan = Plan?.IsOptimal ?? true;
        Record.AmountMinor = Plan?.Transfers.Sum(t => t.Minor) ?? 0;
    }

    public override Card Render()
    {
        var text = Context.Text;
        var lines = new List<string>
        {
            text.Format(Record.IsOptimalPlan ? "settle.optimal" : "settle.greedy", Obligations.Count, Record.CurrencyCode),
        };
        lines.AddRange(RosterLines(o => text.Format("transfer.line", Context.NameOf(o.Debtor), Context.NameOf(o.Creditor), Amount(o.Minor), text.ObligationState(o.State))));
        lines.Add(StateLine());
        AddSandboxNotice(lines);
        return new Card(Title("🤝"), lines, [.. PaymentRows()]);
    }
}
