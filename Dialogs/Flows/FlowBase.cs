using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using Stateless;
using Stateless.Reflection;

namespace GroupPay.Dialogs.Flows;

/// <summary>What a member, the clock or a gateway can do to a flow.</summary>
public enum FlowTrigger { Start, Join, Close, Grab, Draw, Remind, Paid, Expire, Cancel }

/// <summary>A flow as the engine drives it: one trigger per turn, then a fresh card.</summary>
public interface IFlow
{
    FlowRecord Record { get; }
    StateMachineInfo GetInfo();
    /// <summary>Fires one trigger if the presser may and the machine permits; otherwise explains why not. True when it fired.</summary>
    Task<bool> ApplyAsync(FlowTrigger trigger, string? obligationId, bool fromButton);
    Card Render();
}

/// <summary>
/// What every flow shares: the machine over the record's state, who may do what, the obligation roster and its
/// pay buttons, payments and cancellation. Each flow adds its transition table and its card.
/// </summary>
public abstract class FlowBase<TState> : IFlow where TState : struct, Enum
{
    private List<Obligation> obligations;

    protected FlowBase(FlowRecord record, TurnContext? context, IReadOnlyList<Obligation> obligations)
    {
        Record = record;
        ContextOrNull = context;
        this.obligations = [.. obligations];
        Machine = new StateMachine<TState, FlowTrigger>(
            () => Enum.Parse<TState>(record.State), state => record.State = state.ToString());
        Paid = Machine.SetTriggerParameters<string>(FlowTrigger.Paid);
        Join = Machine.SetTriggerParameters<string>(FlowTrigger.Join);
        Grab = Machine.SetTriggerParameters<string>(FlowTrigger.Grab);
    }

    public FlowRecord Record { get; }
    protected StateMachine<TState, FlowTrigger> Machine { get; }
    protected StateMachine<TState, FlowTrigger>.TriggerWithParameters<string> Paid { get; }
    protected StateMachine<TState, FlowTrigger>.TriggerWithParameters<string> Join { get; }
    protected StateMachine<TState, FlowTrigger>.TriggerWithParameters<string> Grab { get; }
    protected TurnContext Context => ContextOrNull ?? throw new InvalidOperationException("This flow was built for description only.");
    private TurnContext? ContextOrNull { get; }
    protected IReadOnlyList<Obligation> Obligations => obligations;
    protected IEnumerable<Obligation> OpenObligations => obligations.Where(o => o.IsOpen);
    protected string Who => Context.Actor?.Key ?? "";
    protected string Label => Record.Description is { Length: > 0 } description ? description : Context.Text.FlowKindName(Record.Kind);

    public StateMachineInfo GetInfo() => Machine.GetInfo();

    public abstract Card Render();

    public async Task<bool> ApplyAsync(FlowTrigger trigger, string? obligationId, bool fromButton)
    {
        var refusal = Authorise(trigger);
        if (refusal is not null)
        {
            Context.Refuse(refusal, fromButton);
            return false;
        }

        var fired = trigger switch
        {
            FlowTrigger.Paid => await FireAsync(Paid, obligationId ?? "", fromButton),
            FlowTrigger.Join => await FireAsync(Join, Who, fromButton),
            FlowTrigger.Grab => await FireAsync(Grab, Who, fromButton),
            _ => await FireAsync(trigger, fromButton),
        };
        if (fired)
        {
            Context.Touch(Record);
            UpdateDueAt();
            Context.ShowCard(Record, Render());
        }

        return fired;
    }

    /// <summary>Who may fire a trigger (SPEC §4: the presser is authorised, not the button). Null when allowed.</summary>
    protected virtual string? Authorise(FlowTrigger trigger) => trigger switch
    {
        FlowTrigger.Close or FlowTrigger.Cancel or FlowTrigger.Draw or FlowTrigger.Remind
            when Context.Actor is not null && Who != Record.Creator && !Context.ActorIsAdmin =>
            Context.Text.Format("refuse.creator-only", Context.NameOf(Record.Creator), Record.Number),
        _ => null,
    };

    protected async Task<bool> FireAsync(FlowTrigger trigger, bool fromButton)
    {
        if (!Machine.CanFire(trigger, out var unmet))
        {
            Refuse(trigger, unmet, fromButton);
            return false;
        }

        await Machine.FireAsync(trigger);
        return true;
    }

    protected async Task<bool> FireAsync<TArg>(StateMachine<TState, FlowTrigger>.TriggerWithParameters<TArg> trigger, TArg arg, bool fromButton)
    {
        if (!Machine.CanFire(trigger, arg, out var unmet))
        {
            Refuse(trigger.Trigger, unmet, fromButton);
            return false;
        }

        await Machine.FireAsync(trigger, arg);
        return true;
    }

    /// <summary>Explains a refused trigger: an unmet guard by its description's message, else the flow is past that point.</summary>
    private void Refuse(FlowTrigger trigger, ICollection<string>? unmetGuards, bool fromButton)
    {
        var text = Context.Text;
        var guard = unmetGuards?.FirstOrDefault();
        var message = guard is not null && text.Has("guard." + guard)
            ? text.Format("guard." + guard, Record.Number)
            : text.Format("refuse.not-now", Record.Number, text.Format("trigger." + trigger), text.StateName(Record.State));
        Context.Refuse(message, fromButton);
    }

    /// <summary>True when no obligation of this flow other than <paramref name="obligationId"/> is still open.</summary>
    protected bool LastOpen(string obligationId) => OpenObligations.All(o => o.Id == obligationId);

    protected Obligation CreateObligation(string debtor, string creditor, long minor)
    {
        var obligation = Context.CreateObligation(Record, debtor, creditor, minor, Label);
        obligations.Add(obligation);
        return obligation;
    }

    protected void CancelOpenObligations()
    {
        foreach (var obligation in OpenObligations.ToList())
        {
            Context.Close(obligation, ObligationState.Cancelled);
        }

        Finish();
    }

    protected void Finish()
    {
        Record.IsOpen = false;
        Record.ClosedAt ??= Context.Now;
    }

    protected virtual void UpdateDueAt() => Record.DueAt = null;

    protected string Amount(long minor) => Payments.MoneyFormatter.Format(Money.FromMinor(minor, Record.Currency), Context.Language);

    protected static Tuple<Func<bool>, string> Guard(Func<bool> guard, string description) => Tuple.Create(guard, description);

    protected bool IsParticipant(string member) => Record.Participants.Exists(p => p.Member == member);

    protected void AddParticipant(string member) =>
        Record.Participants.Add(new FlowParticipant { Member = member, JoinedAt = Context.Now });

    /// <summary>A line per obligation: ✅ paid, ⏳ open (🕓 when the debtor says they paid), ✖ cancelled, ↪ netted.</summary>
    protected IEnumerable<string> RosterLines(Func<Obligation, string> describe)
    {
        foreach (var obligation in Obligations)
        {
            var mark = obligation.State switch
            {
                ObligationState.Paid => "✅",
                ObligationState.Cancelled => "✖",
                ObligationState.Netted => "↪",
                _ when obligation.ClaimedPaidAt is not null => "🕓",
                _ => "⏳",
            };
            yield return $"{mark} {describe(obligation)}";
        }
    }

    /// <summary>
    /// For each open obligation a pay link for the debtor and a "received" button for the creditor; while the debtor
    /// says they paid, also "not received", which turns the claim down.
    /// </summary>
    protected IEnumerable<IReadOnlyList<CardButton>> PaymentRows()
    {
        var text = Context.Text;
        foreach (var obligation in OpenObligations.Take(Context.Options.MaxObligationRows))
        {
            var row = new List<CardButton>
            {
                CardButton.Link(text.Format("button.pay", Context.NameOf(obligation.Debtor), Amount(obligation.Minor), Context.NameOf(obligation.Creditor)), Context.PayUrl(obligation)),
                CardButton.Callback(text.Format("button.received", Context.NameOf(obligation.Creditor)),
                    Context.ButtonToken(Record, "received", obligation.Id)),
            };
            if (obligation.ClaimedPaidAt is not null)
            {
                row.Add(CardButton.Callback(text.Format("button.not-received", Context.NameOf(obligation.Creditor)),
                    Context.ButtonToken(Record, "not-received", obligation.Id)));
            }

            yield return row;
        }
    }

    protected IReadOnlyList<CardButton> Row(params (string Key, string Action)[] buttons) =>
        buttons.Select(b => CardButton.Callback(Context.Text.Format(b.Key), Context.ButtonToken(Record, b.Action))).ToList();

    protected string Title(string icon) =>
        $"{icon} #{Record.Number} {Label} · {Amount(Record.AmountMinor)}";

    protected string StateLine() => Context.Text.Format("card.state", Context.Text.StateName(Record.State));

    /// <summary>Outside Development a chat still on the sandbox says on every card that no money moves.</summary>
    protected void AddSandboxNotice(List<string> lines)
    {
        if (Context.Chat.Settings.Provider is null or "sandbox" && !Context.Options.IsDevelopment)
        {
            lines.Add(Context.Text.Format("card.sandbox"));
        }
    }
}
