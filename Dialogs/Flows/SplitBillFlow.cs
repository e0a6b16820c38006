using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Flows;

/// <summary>
/// <c>/split</c>: the creator paid a bill. Named participants get their shares at once; otherwise members join
/// until the creator closes. Every participant but the payer owes the payer their share.
/// </summary>
public sealed class SplitBillFlow : FlowBase<SplitBillFlow.State>
{
    public enum State { Draft, Gathering, Awaiting, Settled, Cancelled }

    public SplitBillFlow(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations)
        : base(record, context, obligations)
    {
        Machine.Configure(State.Draft)
            .PermitIf(FlowTrigger.Start, State.Awaiting, () => Record.FixedRoster, "participants-named")
            .PermitIf(FlowTrigger.Start, State.Gathering, () => !Record.FixedRoster, "no-participants-named");

        Machine.Configure(State.Gathering)
            .OnEntry(() => Record.Deadline = Context.Now + Context.Options.JoinLifetime)
            .InternalTransitionIf(Join, member => !IsParticipant(member), (member, _) => AddParticipant(member), "not-joined-yet")
            .PermitIf(FlowTrigger.Close, State.Awaiting,
                Guard(() => Record.Participants.Exists(p => p.Member != Record.Creator), "someone-joined"),
                Guard(() => Record.AmountMinor >= Record.Participants.Count + 1, "amount-covers-everyone"))
            .PermitIf(FlowTrigger.Expire, State.Awaiting, () => CanCloseByItself, "someone-joined")
            .PermitIf(FlowTrigger.Expire, State.Cancelled, () => !CanCloseByItself, "nobody-joined")
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Awaiting)
            .OnEntry(CreateShares)
            .InternalTransitionIf(Paid, id => !LastOpen(id), (_, _) => { }, "others-still-owe")
            .PermitIf(Paid, State.Settled, LastOpen, "last-share-paid")
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Settled).OnEntry(Finish);
        Machine.Configure(State.Cancelled).OnEntry(CancelOpenObligations);
    }

    private bool CanCloseByItself =>
        Record.Participants.Exists(p => p.Member != Record.Creator) && Record.AmountMinor >= Record.Participants.Count + 1;

    protected override void UpdateDueAt() => Record.DueAt = Record.State == nameof(State.Gathering) ? Record.Deadline : null;

    /// <summary>Shares of the participants in roster order, or why they cannot be computed.</summary>
    public static AllocationResult ComputeShares(FlowRecord record) => Allocator.Allocate(
        record.AmountMinor,
        record.Participants.Select(p => new ShareRequest(p.Member, p.Kind, p.Value)).ToList(),
        record.Id);

    private void CreateShares()
    {
        if (!Record.Participants.Exists(p => p.Member == Record.Creator))
        {
            Record.Participants.Insert(0, new FlowParticipant { Member = Record.Creator, JoinedAt = Record.CreatedAt });
        }

        var shares = ComputeShares(Record);
        if (!shares.Success)
        {
            throw new InvalidOperationException($"Shares of #{Record.Number} were validated before the flow started: {shares.Error}");
        }

        for (var i = 0; i < Record.Participants.Count; i++)
        {
            var participant = Record.Participants[i];
            participant.Minor = shares.Shares[i].Minor;
            if (participant.Member != Record.Creator && participant.Minor > 0)
            {
                CreateObligation(participant.Member, Record.Creator, participant.Minor.Value);
            }
        }
    }

    public override Card Render()
    {
        var text = Context.Text;
        var lines = new List<string> { text.Format("split.paid-by", Context.NameOf(Record.Creator), Amount(Record.AmountMinor)) };
        var buttons = new List<IReadOnlyList<CardButton>>();
        switch (Enum.Parse<State>(Record.State))
        {
            case State.Gathering:
                lines.Add(text.Format("split.join-until", Record.Deadline?.ToString("yyyy-MM-dd HH:mm 'UTC'") ?? ""));
                lines.Add(text.Format("card.joined", Record.Participants.Count + (IsParticipant(Record.Creator) ? 0 : 1)));
                lines.AddRange(Record.Participants.Select(p => "• " + Context.NameOf(p.Member)));
                buttons.Add(Row(("button.join", "join"), ("button.close", "close"), ("button.cancel", "cancel")));
                break;
            default:
                lines.AddRange(RosterLines(o => text.Format("split.owes", Context.NameOf(o.Debtor), Amount(o.Minor), text.ObligationState(o.State))));
                var creatorShare = Record.Participants.Find(p => p.Member == Record.Creator)?.Minor;
                if (creatorShare is > 0)
                {
                    lines.Add(text.Format("split.own-share", Context.NameOf(Record.Creator), Amount(creatorShare.Value)));
                }

                buttons.AddRange(PaymentRows());
                if (Record.IsOpen)
                {
                    buttons.Add(Row(("button.cancel", "cancel")));
                }

                break;
        }

        lines.Add(StateLine());
        AddSandboxNotice(lines);
        return new Card(Title("🧾"), lines, buttons);
    }
}
