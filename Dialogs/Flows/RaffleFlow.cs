using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Flows;

/// <summary>
/// <c>/raffle</c>: members join for a ticket price; the organiser draws a winner from a seed committed to at
/// creation; every other participant owes the winner the ticket price.
/// </summary>
public sealed class RaffleFlow : FlowBase<RaffleFlow.State>
{
    public enum State { Draft, Open, Drawn, Settled, Cancelled }

    public RaffleFlow(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations)
        : base(record, context, obligations)
    {
        Machine.Configure(State.Draft)
            .Permit(FlowTrigger.Start, State.Open);

        Machine.Configure(State.Open)
            .OnEntryFrom(FlowTrigger.Start, Commit)
            .InternalTransitionIf(Join, member => !IsParticipant(member), (member, _) => AddParticipant(member), "not-joined-yet")
            .PermitIf(FlowTrigger.Draw, State.Drawn, () => Record.Participants.Count >= 2, "two-or-more-joined")
            .Permit(FlowTrigger.Expire, State.Cancelled)
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Drawn)
            .OnEntry(DrawWinner)
            .InternalTransitionIf(Paid, id => !LastOpen(id), (_, _) => { }, "others-still-owe")
            .PermitIf(Paid, State.Settled, LastOpen, "last-ticket-paid")
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Settled).OnEntry(Finish);
        Machine.Configure(State.Cancelled).OnEntry(() => { Record.SeedRevealed = true; CancelOpenObligations(); });
    }

    private void Commit()
    {
        var seed = FairDraw.NewSeed();
        Record.SeedHex = Convert.ToHexStringLower(seed);
        Record.Commitment = FairDraw.Commitment(seed);
        Record.Deadline = Context.Now + Context.Options.JoinLifetime;
    }

    protected override void UpdateDueAt() => Record.DueAt = Record.State == nameof(State.Open) ? Record.Deadline : null;

    private void DrawWinner()
    {
        var index = FairDraw.PickWinner(Convert.FromHexString(Record.SeedHex!), Record.Id, Record.Participants.Count);
        Record.WinnerIndex = index;
        Record.SeedRevealed = true;
        var winner = Record.Participants[index].Member;
        foreach (var participant in Record.Participants.Where(p => p.Member != winner))
        {
            participant.Minor = Record.AmountMinor;
            CreateObligation(participant.Member, winner, Record.AmountMinor);
        }

        Context.Reply(Context.Text.Format("raffle.winner", Record.Number, Label, Context.NameOf(winner),
            Amount(Record.AmountMinor * (Record.Participants.Count - 1))));
    }

    public override Card Render()
    {
        var text = Context.Text;
        var lines = new List<string> { text.Format("raffle.ticket", Context.NameOf(Record.Creator), Amount(Record.AmountMinor)) };
        if (Record.WinnerIndex is { } winnerIndex)
        {
            lines.Add(text.Format("raffle.won", Context.NameOf(Record.Participants[winnerIndex].Member)));
            lines.AddRange(RosterLines(o => text.Format("split.owes", Context.NameOf(o.Debtor), Amount(o.Minor), text.ObligationState(o.State))));
        }
        else
        {
            lines.Add(text.Format("raffle.draw-until", Record.Deadline?.ToString("yyyy-MM-dd HH:mm 'UTC'") ?? ""));
            lines.Add(text.Format("card.joined", Record.Participants.Count));
            lines.AddRange(Record.Participants.Select(p => "🎟 " + Context.NameOf(p.Member)));
        }

        lines.Add(text.Format("fair.commitment", Record.Commitment ?? ""));
        if (Record.SeedRevealed)
        {
            lines.Add(text.Format("fair.seed", Record.SeedHex ?? "", Record.Number));
        }

        lines.Add(StateLine());
        AddSandboxNotice(lines);
        var buttons = new List<IReadOnlyList<CardButton>>();
        if (Record.State == nameof(State.Open))
        {
            buttons.Add(Row(("button.join", "join"), ("button.draw", "draw"), ("button.cancel", "cancel")));
        }

        buttons.AddRange(PaymentRows());
        return new Card(Title("🎟"), lines, buttons);
    }
}
