using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Flows;

/// <summary>
/// <c>/transfer</c> (the sender pays someone) and <c>/request</c> (the sender asks someone for money): one
/// obligation with a pay link. The counterparty of a request may decline it.
/// </summary>
public sealed class TransferFlow : FlowBase<TransferFlow.State>
{
    public enum State { Draft, Pending, Done, Cancelled }

    public TransferFlow(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations)
        : base(record, context, obligations)
    {
        Machine.Configure(State.Draft)
            .Permit(FlowTrigger.Start, State.Pending);

        Machine.Configure(State.Pending)
            .OnEntryFrom(FlowTrigger.Start, CreateTheObligation)
            .Permit(FlowTrigger.Paid, State.Done)
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Done).OnEntry(Finish);
        Machine.Configure(State.Cancelled).OnEntry(CancelOpenObligations);
    }

    /// <summary>The other member: the payee of a transfer, the payer of a request.</summary>
    private string Counterparty => Record.Participants[0].Member;

    protected override string? Authorise(FlowTrigger trigger) =>
        trigger == FlowTrigger.Cancel && Record.Kind == FlowKind.Request && Who == Counterparty ? null : base.Authorise(trigger);

    private void CreateTheObligation()
    {
        var (debtor, creditor) = Record.Kind == FlowKind.Transfer ? (Record.Creator, Counterparty) : (Counterparty, Record.Creator);
        CreateObligation(debtor, creditor, Record.AmountMinor);
    }

    public override Card Render()
    {
        var text = Context.Text;
        var lines = new List<string>();
        lines.AddRange(RosterLines(o => text.Format("transfer.line", Context.NameOf(o.Debtor), Context.NameOf(o.Creditor), Amount(o.Minor), text.ObligationState(o.State))));
        lines.Add(StateLine());
        AddSandboxNotice(lines);
        var buttons = new List<IReadOnlyList<CardButton>>(PaymentRows());
        if (Record.IsOpen)
        {
            buttons.Add(Row((Record.Kind == FlowKind.Request ? "button.decline" : "button.cancel", "cancel")));
        }

        return new Card(Title(Record.Kind == FlowKind.Transfer ? "💸" : "🙏"), lines, buttons);
    }
}
