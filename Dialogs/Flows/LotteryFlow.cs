using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Flows;

/// <summary>
/// <c>/lottery</c>: a red packet. Members grab until the packets run out; each grab is a share drawn by the
/// double-mean method from a seed committed to at creation and revealed at the end, and the organiser owes
/// each grabber their share. What is not grabbed before expiry is simply not owed.
/// </summary>
public sealed class LotteryFlow : FlowBase<LotteryFlow.State>
{
    public enum State { Draft, Open, Empty, Expired, Settled, Cancelled }

    public LotteryFlow(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations)
        : base(record, context, obligations)
    {
        Machine.Configure(State.Draft)
            .Permit(FlowTrigger.Start, State.Open);

        Machine.Configure(State.Open)
            .OnEntryFrom(FlowTrigger.Start, Commit)
            .InternalTransitionIf(Grab, _ => PacketsLeft > 1, (member, _) => TakePacket(member), "more-than-one-packet-left")
            .PermitIf(Grab, State.Empty, _ => PacketsLeft == 1, "last-packet")
            .Permit(FlowTrigger.Expire, State.Expired)
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Empty)
            .OnEntryFrom(Grab, (member, _) => { TakePacket(member); Reveal(); })
            .InternalTransitionIf(Paid, id => !LastOpen(id), (_, _) => { }, "others-still-owed")
            .PermitIf(Paid, State.Settled, LastOpen, "last-grab-paid")
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Expired)
            .OnEntry(() => { Reveal(); FinishIfNothingOwed(); })
            .InternalTransitionIf(Paid, id => !LastOpen(id), (_, _) => { }, "others-still-owed")
            .PermitIf(Paid, State.Settled, LastOpen, "last-grab-paid")
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Settled).OnEntry(Finish);
        Machine.Configure(State.Cancelled).OnEntry(() => { Reveal(); CancelOpenObligations(); });
    }

    private int PacketsLeft => Record.PacketCount - Record.Participants.Count;

    protected override string? Authorise(FlowTrigger trigger)
    {
        if (trigger == FlowTrigger.Grab && Who == Record.Creator)
        {
            return Context.Text.Format("refuse.own-packet", Record.Number);
        }

        if (trigger == FlowTrigger.Grab && IsParticipant(Who))
        {
            return Context.Text.Format("refuse.already-grabbed", Record.Number);
        }

        return base.Authorise(trigger);
    }

    private void Commit()
    {
        var seed = FairDraw.NewSeed();
        Record.SeedHex = Convert.ToHexStringLower(seed);
        Record.Commitment = FairDraw.Commitment(seed);
        Record.Deadline = Context.Now + Context.Options.RedPacketLifetime;
    }

    /// <summary>The grabber's amount is the draw at their position in the grab order.</summary>
    private void TakePacket(string member)
    {
        var amounts = FairDraw.RedPacket(Convert.FromHexString(Record.SeedHex!), Record.Id, Record.AmountMinor, Record.PacketCount);
        var amount = amounts[Record.Participants.Count];
        Record.Participants.Add(new FlowParticipant { Member = member, JoinedAt = Context.Now, Minor = amount });
        CreateObligation(Record.Creator, member, amount);
        Context.Answer(Context.Text.Format("lottery.you-got", Amount(amount), Record.Number));
    }

    private void Reveal() => Record.SeedRevealed = true;

    private void FinishIfNothingOwed()
    {
        if (!OpenObligations.Any())
        {
            Finish();
        }
    }

    public FlowTrigger DueTrigger(DateTimeOffset now) => FlowTrigger.Expire;

    protected override void UpdateDueAt() => Record.DueAt = Record.State == nameof(State.Open) ? Record.Deadline : null;

    public override Card Render()
    {
        var text = Context.Text;
        var lines = new List<string>
        {
            text.Format("lottery.from", Context.NameOf(Record.Creator), Record.PacketCount, Amount(Record.AmountMinor)),
            text.Format("lottery.grabbed", Record.Participants.Count, Record.PacketCount,
                Amount(Record.Participants.Sum(p => p.Minor ?? 0))),
        };
        foreach (var (participant, index) in Record.Participants.Select((p, i) => (p, i)))
        {
            var obligation = Obligations.ElementAtOrDefault(index);
            var mark = obligation?.State == ObligationState.Paid ? "✅" : obligation?.State == ObligationState.Cancelled ? "✖" : "🧧";
            lines.Add($"{mark} {index + 1}. {Context.NameOf(participant.Member)} · {Amount(participant.Minor ?? 0)}");
        }

        lines.Add(text.Format("fair.commitment", Record.Commitment ?? ""));
        if (Record.SeedRevealed)
        {
            lines.Add(text.Format("fair.seed", Record.SeedHex ?? "", Record.Number));
        }
        else if (Record.Deadline is { } deadline)
        {
            lines.Add(text.Format("lottery.expires", deadline.ToString("yyyy-MM-dd HH:mm 'UTC'")));
        }

        lines.Add(StateLine());
        AddSandboxNotice(lines);
        var buttons = new List<IReadOnlyList<CardButton>>();
        if (Record.State == nameof(State.Open))
        {
            buttons.Add(Row(("button.grab", "grab"), ("button.cancel", "cancel")));
        }

        buttons.AddRange(PaymentRows());
        return new Card(Title("🧧"), lines, buttons);
    }
}
