using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Flows;

/// <summary>
/// <c>/collect</c>: the organiser collects the same amount from each named member, or from each member who
/// joins. The card keeps a live roster; the organiser reminds and closes; a deadline closes it by itself.
/// </summary>
public sealed class CollectFlow : FlowBase<CollectFlow.State>
{
    public enum State { Draft, Collecting, Closed, Completed, Cancelled }

    public CollectFlow(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations)
        : base(record, context, obligations)
    {
        Machine.Configure(State.Draft)
            .Permit(FlowTrigger.Start, State.Collecting);

        Machine.Configure(State.Collecting)
            .OnEntryFrom(FlowTrigger.Start, ChargeNamedMembers)
            .InternalTransitionIf(Join, member => !IsParticipant(member) && member != Record.Creator, (member, _) => Charge(member), "not-joined-yet")
            .InternalTransitionIf(FlowTrigger.Remind, _ => OpenObligations.Any(), _ => Remind(), "someone-owes")
            .InternalTransitionIf(Paid, id => !(Record.FixedRoster && LastOpen(id)), (_, _) => { }, "roster-open-or-others-owe")
            .PermitIf(Paid, State.Completed, id => Record.FixedRoster && LastOpen(id), "last-named-member-paid")
            .PermitIf(FlowTrigger.Close, State.Closed, () => OpenObligations.Any(), "someone-owes")
            .PermitIf(FlowTrigger.Close, State.Completed, () => !OpenObligations.Any(), "nobody-owes")
            .PermitIf(FlowTrigger.Expire, State.Closed, () => OpenObligations.Any(), "someone-owes")
            .PermitIf(FlowTrigger.Expire, State.Completed, () => !OpenObligations.Any(), "nobody-owes")
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Closed)
            .InternalTransitionIf(FlowTrigger.Remind, _ => OpenObligations.Any(), _ => Remind(), "someone-owes")
            .InternalTransitionIf(Paid, id => !LastOpen(id), (_, _) => { }, "others-still-owe")
            .PermitIf(Paid, State.Completed, LastOpen, "last-share-paid")
            .Permit(FlowTrigger.Cancel, State.Cancelled);

        Machine.Configure(State.Completed).OnEntry(Finish);
        Machine.Configure(State.Cancelled).OnEntry(CancelOpenObligations);
    }

    protected override string? Authorise(FlowTrigger trigger)
    {
        if (base.Authorise(trigger) is { } refusal)
        {
            return refusal;
        }

        if (trigger == FlowTrigger.Remind && Context.Actor is not null && Record.LastReminderAt is { } last
            && Context.Now - last < Context.Options.ReminderCooldown)
        {
            return Context.Text.Format("refuse.reminded-recently", Record.Number);
        }

        return null;
    }

    private void ChargeNamedMembers()
    {
        foreach (var participant in Record.Participants.Where(p => p.Member != Record.Creator))
        {
            participant.Minor = Record.AmountMinor;
            CreateObligation(participant.Member, Record.Creator, Record.AmountMinor);
        }

        if (Context.Chat.Settings.DailyReminders)
        {
            Record.NextReminderAt = Context.Now.AddDays(1);
        }
    }

    private void Charge(string member)
    {
        Record.Participants.Add(new FlowParticipant { Member = member, JoinedAt = Context.Now, Minor = Record.AmountMinor });
        CreateObligation(member, Record.Creator, Record.AmountMinor);
    }

    private void Remind()
    {
        var debtors = string.Join(", ", OpenObligations.Select(o => Context.NameOf(o.Debtor)));
        Context.Reply(Context.Text.Format("collect.reminder", Record.Number, Label, debtors, Amount(Record.AmountMinor), Context.NameOf(Record.Creator)));
        Record.LastReminderAt = Context.Now;
        if (Record.NextReminderAt is { } next && next <= Context.Now)
        {
            Record.NextReminderAt = Context.Chat.Settings.DailyReminders ? Context.Now.AddDays(1) : null;
        }
    }

    /// <summary>The clock's trigger: past the deadline the collection closes; otherwise the daily reminder is due.</summary>
    public FlowTrigger DueTrigger(DateTimeOffset now) =>
        Record.Deadline is { } deadline && deadline <= now && Record.State == nameof(State.Collecting) ? FlowTrigger.Expire : FlowTrigger.Remind;

    protected override void UpdateDueAt()
    {
        DateTimeOffset? deadline = Record.State == nameof(State.Collecting) ? Record.Deadline : null;
        DateTimeOffset? reminder = Record.IsOpen && Context.Chat.Settings.DailyReminders ? Record.NextReminderAt : null;
        Record.DueAt = (deadline, reminder) switch
        {
            ({ } d, { } r) => d < r ? d : r,
            ({ } d, null) => d,
            (null, { } r) => r,
            _ => null,
        };
    }

    public override Card Render()
    {
        var text = Context.Text;
        var lines = new List<string>
        {
            text.Format("collect.each", Context.NameOf(Record.Creator), Amount(Record.AmountMinor)),
        };
        if (Record.Deadline is { } deadline)
        {
            lines.Add(text.Format("collect.deadline", deadline.AddTicks(-1).ToString("yyyy-MM-dd")));
        }

        lines.AddRange(RosterLines(o => $"{Context.NameOf(o.Debtor)} · {Amount(o.Minor)}"));
        var paid = Obligations.Where(o => o.State == ObligationState.Paid).Sum(o => o.Minor);
        lines.Add(text.Format("collect.progress", Amount(paid), Obligations.Count(o => o.State == ObligationState.Paid),
            Obligations.Count(o => o.State != ObligationState.Cancelled)));
        lines.Add(StateLine());
        AddSandboxNotice(lines);

        var buttons = new List<IReadOnlyList<CardButton>>(PaymentRows());
        switch (Enum.Parse<State>(Record.State))
        {
            case State.Collecting:
                buttons.Add(Row(("button.join", "join"), ("button.remind", "remind")));
                buttons.Add(Row(("button.close", "close"), ("button.cancel", "cancel")));
                break;
            case State.Closed:
                buttons.Add(Row(("button.remind", "remind"), ("button.cancel", "cancel")));
                break;
        }

        return new Card(Title("💰"), lines, buttons);
    }
}
