using System.Globalization;
using System.Text;
using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Commands;
using GroupPay.Dialogs.Flows;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary>Turns one inbound into at most one flow trigger or one chat command, inside a turn's context.</summary>
internal sealed class TurnRouter
{
    private readonly CommandParser parser = new(code => Currency.TryGet(code, out _));

    public async Task RouteAsync(TurnContext context, Inbound inbound)
    {
        if (context.Actor is { } actor)
        {
            await RememberAsync(context, actor);
        }

        if (inbound is TextInbound { Seen: { } seen })
        {
            foreach (var member in seen.Where(m => m.Key != context.Actor?.Key))
            {
                await RememberAsync(context, member);
            }
        }

        switch (inbound)
        {
            case TextInbound text:
                await OnTextAsync(context, text);
                break;
            case ButtonInbound button:
                await OnButtonAsync(context, button);
                break;
            case PaymentInbound payment:
                await OnPaymentAsync(context, payment);
                break;
            case PaymentClaimInbound claim:
                await OnClaimAsync(context, claim);
                break;
            case DueInbound due:
                await OnDueAsync(context, due);
                break;
        }
    }

    private async Task OnTextAsync(TurnContext context, TextInbound inbound)
    {
        var parsed = parser.Parse(inbound.Text, inbound.BotUsername, inbound.SlashOptional);
        if (parsed.Error is { } error)
        {
            context.Refuse(error.Message(context.Language), fromButton: false);
            return;
        }

        if (parsed.Command is not { } command)
        {
            return;
        }

        if (IsFlowStart(command) && context.Chat.Settings.AdminsOnlyStart && !context.ActorIsAdmin)
        {
            context.Refuse(context.Text.Format("refuse.admins-start"), fromButton: false);
            return;
        }

        await (command switch
        {
            SplitCommand split => StartSplitAsync(context, split),
            CollectCommand collect => StartCollectAsync(context, collect),
            LotteryCommand lottery => StartLotteryAsync(context, lottery),
            RaffleCommand raffle => StartRaffleAsync(context, raffle),
            TransferCommand transfer => StartTransferAsync(context, FlowKind.Transfer, transfer.To, transfer.AmountText, transfer.Description),
            RequestCommand request => StartTransferAsync(context, FlowKind.Request, request.From, request.AmountText, request.Description),
            SettleCommand settle => SettleAsync(context, settle),
            BalanceCommand => BalanceAsync(context),
            HistoryCommand history => HistoryAsync(context, history.Count),
            ExportCommand => ExportAsync(context),
            CancelCommand cancel => CancelAsync(context, cancel.FlowNumber),
            VerifyCommand verify => VerifyAsync(context, verify.FlowNumber),
            PayMeCommand payMe => Sync(() => PayMe(context, payMe)),
            SettingsCommand settings => Sync(() => ChatSettingsCommand.Apply(context, settings, Resolve)),
            HelpCommand help => Sync(() => context.Reply(context.Text.Help(help.Topic))),
            StartCommand => Sync(() => context.Reply(context.Text.Format("start.greeting", context.NameOf(context.Actor!.Key)))),
            _ => Sync(() => context.Reply(context.Text.Help(null))),
        });
    }

    private static bool IsFlowStart(Command command) =>
        command is SplitCommand or CollectCommand or LotteryCommand or RaffleCommand or TransferCommand or RequestCommand or SettleCommand;

    private static Task Sync(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    // ---- flows -------------------------------------------------------------------------------------------

    private async Task StartSplitAsync(TurnContext context, SplitCommand command)
    {
        if (!TryAmount(context, command.AmountText, out var amount))
        {
            return;
        }

        var draft = Draft(context, FlowKind.Split, amount, command.Description);
        if (!TryParticipants(context, command.Participants, amount.Currency, includeCreator: true, draft.Participants))
        {
            return;
        }

        draft.FixedRoster = command.Participants.Count > 0;
        if (draft.FixedRoster)
        {
            if (!draft.Participants.Exists(p => p.Member != draft.Creator))
            {
                context.Refuse(context.Text.Format("refuse.split-needs-others"), fromButton: false);
                return;
            }

            var shares = SplitBillFlow.ComputeShares(draft);
            if (!shares.Success)
            {
                context.Refuse(context.Text.AllocationError(shares.Error, amount.Currency), fromButton: false);
                return;
            }
        }

        await StartAsync(context, draft);
    }

    private async Task StartCollectAsync(TurnContext context, CollectCommand command)
    {
        if (!TryAmount(context, command.AmountText, out var amount))
        {
            return;
        }

        var draft = Draft(context, FlowKind.Collect, amount, command.Description);
        if (!TryParticipants(context, command.Participants, amount.Currency, includeCreator: false, draft.Participants))
        {
            return;
        }

        if (command.Participants.Any(p => p.Modifier != ShareModifier.None))
        {
            context.Refuse(context.Text.Format("refuse.collect-modifiers"), fromButton: false);
            return;
        }

        if (command.Deadline is { } day)
        {
            var deadline = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
            if (deadline <= context.Now)
            {
                context.Refuse(context.Text.Format("refuse.deadline-past", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), fromButton: false);
                return;
            }

            draft.Deadline = deadline;
        }

        draft.Participants.RemoveAll(p => p.Member == draft.Creator);
        draft.FixedRoster = draft.Participants.Count > 0;
        await StartAsync(context, draft);
    }

    private async Task StartLotteryAsync(TurnContext context, LotteryCommand command)
    {
        if (!TryAmount(context, command.AmountText, out var amount))
        {
            return;
        }

        if (amount.Minor < command.Count)
        {
            context.Refuse(context.Text.Format("refuse.packet-too-small", MoneyFormatter.Format(amount, context.Language), command.Count), fromButton: false);
            return;
        }

        var draft = Draft(context, FlowKind.Lottery, amount, command.Description);
        draft.PacketCount = command.Count;
        await StartAsync(context, draft);
    }

    private async Task StartRaffleAsync(TurnContext context, RaffleCommand command)
    {
        if (TryAmount(context, command.AmountText, out var amount))
        {
            await StartAsync(context, Draft(context, FlowKind.Raffle, amount, command.Description));
        }
    }

    private async Task StartTransferAsync(TurnContext context, FlowKind kind, Mention who, string amountText, string? description)
    {
        if (!TryAmount(context, amountText, out var amount))
        {
            return;
        }

        var other = Resolve(context, who);
        if (other == context.Actor!.Key)
        {
            context.Refuse(context.Text.Format("refuse.self"), fromButton: false);
            return;
        }

        var draft = Draft(context, kind, amount, description);
        draft.Participants.Add(new FlowParticipant { Member = other, JoinedAt = context.Now, Minor = amount.Minor });
        draft.FixedRoster = true;
        await StartAsync(context, draft);
    }

    private static FlowRecord Draft(TurnContext context, FlowKind kind, Money amount, string? description)
    {
        var number = context.Chat.NextFlowNumber;
        return new FlowRecord
        {
            Id = FlowRecord.MakeId(context.Chat.Key, number),
            ChatKey = context.Chat.Key,
            Number = number,
            Kind = kind,
            State = "Draft",
            Creator = context.Actor!.Key,
            AmountMinor = amount.Minor,
            CurrencyCode = amount.Currency.Code,
            Description = description,
            CreatedAt = context.Now,
        };
    }

    /// <summary>Claims the draft's number and fires Start: the flow's machine takes it from there.</summary>
    private static async Task StartAsync(TurnContext context, FlowRecord draft)
    {
        var flow = context.NewFlow(draft.Kind, draft.State, draft.Amount, draft.Description);
        flow.Participants.AddRange(draft.Participants);
        flow.FixedRoster = draft.FixedRoster;
        flow.PacketCount = draft.PacketCount;
        flow.Deadline = draft.Deadline;
        await FlowFactory.Create(flow, context, []).ApplyAsync(FlowTrigger.Start, null, fromButton: false);
    }

    private static async Task SettleAsync(TurnContext context, SettleCommand command)
    {
        var code = command.CurrencyCode ?? context.Chat.Settings.CurrencyCode;
        if (!Currency.TryGet(code, out var currency))
        {
            context.Refuse(context.Text.Format("refuse.unknown-currency", code), fromButton: false);
            return;
        }

        var open = (await context.OpenObligationsAsync()).Where(o => o.CurrencyCode == currency.Code).ToList();
        if (open.Count == 0)
        {
            context.Reply(context.Text.Format("settle.nothing", currency.Code));
            return;
        }

        var nets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var obligation in open)
        {
            nets[obligation.Creditor] = nets.GetValueOrDefault(obligation.Creditor) + obligation.Minor;
            nets[obligation.Debtor] = nets.GetValueOrDefault(obligation.Debtor) - obligation.Minor;
        }

        var plan = DebtSimplifier.Plan(nets);
        var flow = context.NewFlow(FlowKind.SettleUp, "Draft", Money.Zero(currency), null);
        var settle = new SettleUpFlow(flow, context, []) { Replaced = open, Plan = plan };
        await settle.ApplyAsync(FlowTrigger.Start, null, fromButton: false);
        context.Reply(context.Text.Format("settle.done", open.Count, plan.Transfers.Count, currency.Code, flow.Number));
        foreach (var number in open.Select(o => o.FlowNumber).Distinct().Where(n => n != flow.Number))
        {
            await RefreshCardAsync(context, number);
        }
    }

    // ---- buttons and payments ----------------------------------------------------------------------------

    private static async Task OnButtonAsync(TurnContext context, ButtonInbound inbound)
    {
        var token = inbound.Known is { } known && known.Token == inbound.Token ? known : await context.TokenAsync(inbound.Token);
        var flow = token is null || token.ChatKey != context.Chat.Key ? null : await context.FlowAsync(token.FlowNumber);
        if (token is null || flow is null)
        {
            context.Answer(context.Text.Format("button.invalid"));
            return;
        }

        if (token.Action == "received")
        {
            await ReceivedAsync(context, token.ObligationId);
            return;
        }

        if (token.Action == "not-received")
        {
            await NotReceivedAsync(context, token.ObligationId);
            return;
        }

        FlowTrigger? trigger = token.Action switch
        {
            "join" => FlowTrigger.Join,
            "close" => FlowTrigger.Close,
            "cancel" => FlowTrigger.Cancel,
            "grab" => FlowTrigger.Grab,
            "draw" => FlowTrigger.Draw,
            "remind" => FlowTrigger.Remind,
            _ => null,
        };
        if (trigger is null)
        {
            context.Answer(context.Text.Format("button.invalid"));
            return;
        }

        var obligations = await context.ObligationsOfAsync(flow);
        var fired = await FlowFactory.Create(flow, context, obligations).ApplyAsync(trigger.Value, null, fromButton: true);
        if (fired && context.Toast is null)
        {
            context.Answer(context.Text.Format("button.done." + token.Action, flow.Number));
        }
    }

    /// <summary>The open obligation behind a creditor's button, or null after telling the presser why not.</summary>
    private static async Task<Obligation?> CreditorsOpenObligationAsync(TurnContext context, string? obligationId)
    {
        var obligation = obligationId is null ? null : await context.ObligationAsync(obligationId);
        if (obligation is null)
        {
            context.Answer(context.Text.Format("button.invalid"));
        }
        else if (obligation.Creditor != context.Actor!.Key)
        {
            context.Answer(context.Text.Format("refuse.creditor-only", context.NameOf(obligation.Creditor)));
        }
        else if (!obligation.IsOpen)
        {
            context.Answer(context.Text.Format("refuse.not-open", context.Text.ObligationState(obligation.State)));
        }
        else
        {
            return obligation;
        }

        return null;
    }

    private static async Task ReceivedAsync(TurnContext context, string? obligationId)
    {
        if (await CreditorsOpenObligationAsync(context, obligationId) is { } obligation)
        {
            // A confirmed "I paid" went through the payee's person-to-person link; otherwise it was settled by hand.
            await ConfirmAsync(context, obligation, obligation.ClaimedPaidAt is null ? "manual" : "p2p", context.Actor!.Key);
            context.Answer(context.Text.Format("button.done.received", obligation.FlowNumber));
        }
    }

    /// <summary>The creditor turns down a debtor's "I paid": the obligation is plainly open again, and may be claimed again.</summary>
    private static async Task NotReceivedAsync(TurnContext context, string? obligationId)
    {
        if (await CreditorsOpenObligationAsync(context, obligationId) is not { } obligation)
        {
            return;
        }

        if (obligation.ClaimedPaidAt is null)
        {
            context.Answer(context.Text.Format("refuse.no-claim"));
        }
        else
        {
            obligation.ClaimedPaidAt = null;
            context.MarkChanged(obligation);
            context.Reply(context.Text.Format("payment.not-received", context.NameOf(obligation.Creditor), Format(context, obligation),
                context.NameOf(obligation.Debtor), obligation.FlowNumber));
            context.Answer(context.Text.Format("button.done.not-received", obligation.FlowNumber));
            await RefreshCardAsync(context, obligation.FlowNumber);
        }
    }

    private static async Task OnPaymentAsync(TurnContext context, PaymentInbound inbound)
    {
        var obligation = await context.ObligationAsync(inbound.ObligationId);
        if (obligation is null || obligation.State == ObligationState.Paid)
        {
            return;
        }

        if (!obligation.IsOpen)
        {
            context.Reply(context.Text.Format("payment.late", context.NameOf(obligation.Debtor), Format(context, obligation),
                context.Text.ObligationState(obligation.State), context.NameOf(obligation.Creditor), obligation.FlowNumber));
            return;
        }

        await ConfirmAsync(context, obligation, inbound.Provider, inbound.Reference);
    }

    private static async Task ConfirmAsync(TurnContext context, Obligation obligation, string via, string reference)
    {
        context.Close(obligation, ObligationState.Paid, via, reference);
        context.Reply(context.Text.Format("payment.confirmed", context.NameOf(obligation.Debtor), context.NameOf(obligation.Creditor),
            Format(context, obligation), obligation.Reason, obligation.FlowNumber));
        var flow = await context.FlowAsync(obligation.FlowNumber);
        if (flow is not null)
        {
            await FlowFactory.Create(flow, context, await context.ObligationsOfAsync(flow)).ApplyAsync(FlowTrigger.Paid, obligation.Id, fromButton: false);
        }
    }

    private static async Task OnClaimAsync(TurnContext context, PaymentClaimInbound inbound)
    {
        var obligation = await context.ObligationAsync(inbound.ObligationId);
        if (obligation is null || !obligation.IsOpen || obligation.ClaimedPaidAt is not null)
        {
            return;
        }

        obligation.ClaimedPaidAt = context.Now;
        context.MarkChanged(obligation);
        context.Reply(context.Text.Format("payment.claimed", context.NameOf(obligation.Debtor), context.NameOf(obligation.Creditor),
            Format(context, obligation), obligation.FlowNumber));
        await RefreshCardAsync(context, obligation.FlowNumber);
    }

    private static async Task OnDueAsync(TurnContext context, DueInbound inbound)
    {
        var flow = await context.FlowAsync(inbound.FlowNumber);
        if (flow is null || !flow.IsOpen || flow.DueAt is not { } due || due > context.Now)
        {
            return;
        }

        var machine = FlowFactory.Create(flow, context, await context.ObligationsOfAsync(flow));
        if (FlowFactory.DueTrigger(machine, context.Now) is { } trigger)
        {
            await machine.ApplyAsync(trigger, null, fromButton: false);
        }
        else
        {
            flow.DueAt = null;
            context.Touch(flow);
        }
    }

    private static async Task RefreshCardAsync(TurnContext context, int flowNumber)
    {
        if (await context.FlowAsync(flowNumber) is { } flow)
        {
            context.ShowCard(flow, FlowFactory.Create(flow, context, await context.ObligationsOfAsync(flow)).Render());
        }
    }

    // ---- chat commands -----------------------------------------------------------------------------------

    private static async Task CancelAsync(TurnContext context, int number)
    {
        var flow = await context.FlowAsync(number);
        if (flow is null)
        {
            context.Refuse(context.Text.Format("refuse.no-flow", number), fromButton: false);
            return;
        }

        var machine = FlowFactory.Create(flow, context, await context.ObligationsOfAsync(flow));
        if (await machine.ApplyAsync(FlowTrigger.Cancel, null, fromButton: false))
        {
            context.Reply(context.Text.Format("flow.cancelled", number, context.NameOf(context.Actor!.Key)));
        }
    }

    private static async Task BalanceAsync(TurnContext context)
    {
        var balances = await context.BalancesAsync();
        var lines = new List<string>();
        foreach (var (code, nets) in balances)
        {
            var currency = Currency.Get(code);
            lines.Add($"{code}:");
            foreach (var (member, net) in nets.OrderByDescending(n => n.Value).ThenBy(n => context.NameOf(n.Key), StringComparer.Ordinal))
            {
                var amount = MoneyFormatter.Format(Money.FromMinor(net, currency), context.Language);
                lines.Add($"  {(net > 0 ? "+" : "")}{amount}  {context.NameOf(member)}");
            }
        }

        if (lines.Count == 0)
        {
            lines.Add(context.Text.Format("balance.empty"));
        }
        else
        {
            lines.Add(context.Text.Format("balance.hint"));
        }

        context.PostCard(new Card(context.Text.Format("balance.title"), lines, []));
    }

    private static async Task HistoryAsync(TurnContext context, int count)
    {
        var flows = await context.RecentFlowsAsync(count);
        if (flows.Count == 0)
        {
            context.Reply(context.Text.Format("history.empty"));
            return;
        }

        var lines = flows.Select(f => context.Text.Format("history.line", f.Number, context.Text.FlowKindName(f.Kind),
            f.Description ?? "", MoneyFormatter.Format(f.Amount, context.Language), context.Text.StateName(f.State), context.NameOf(f.Creator)));
        var payments = (await context.RecentEntriesAsync(e => e.Kind == EntryKind.PaymentConfirmed, count))
            .Select(e => context.Text.Format("history.payment", e.FlowNumber,
                context.NameOf(e.Postings.First(p => p.Minor < 0).Account), context.NameOf(e.Postings.First(p => p.Minor > 0).Account),
                MoneyFormatter.Format(Money.FromMinor(e.Postings.First(p => p.Minor > 0).Minor, Currency.Get(e.CurrencyCode)), context.Language)));
        context.PostCard(new Card(context.Text.Format("history.title"), [.. lines, .. payments], []));
    }

    private static async Task ExportAsync(TurnContext context)
    {
        var journal = await context.JournalAsync();
        context.SendDocument($"grouppay-ledger-{context.Now:yyyyMMdd}.csv", LedgerCsv.Write(journal, context.NameOf),
            context.Text.Format("export.caption", journal.Count));
    }

    private static async Task VerifyAsync(TurnContext context, int number)
    {
        var flow = await context.FlowAsync(number);
        if (flow is null || flow.Kind is not (FlowKind.Lottery or FlowKind.Raffle) || flow.SeedHex is null)
        {
            context.Refuse(context.Text.Format("verify.not-fair-flow", number), fromButton: false);
            return;
        }

        if (!flow.SeedRevealed)
        {
            context.Reply(context.Text.Format("verify.not-yet", number, flow.Commitment ?? ""));
            return;
        }

        var seed = Convert.FromHexString(flow.SeedHex);
        var lines = new List<string>
        {
            context.Text.Format(FairDraw.Verify(seed, flow.Commitment ?? "") ? "verify.commitment-ok" : "verify.commitment-bad", flow.Commitment ?? ""),
        };
        var allMatch = FairDraw.Verify(seed, flow.Commitment ?? "");
        if (flow.Kind == FlowKind.Lottery)
        {
            var amounts = FairDraw.RedPacket(seed, flow.Id, flow.AmountMinor, flow.PacketCount);
            for (var i = 0; i < flow.Participants.Count; i++)
            {
                var recorded = flow.Participants[i].Minor ?? -1;
                allMatch &= recorded == amounts[i];
                lines.Add($"{(recorded == amounts[i] ? "✓" : "✗")} {i + 1}. {context.NameOf(flow.Participants[i].Member)} · {MoneyFormatter.Format(Money.FromMinor(amounts[i], flow.Currency), context.Language)}");
            }
        }
        else if (flow.WinnerIndex is { } winner)
        {
            var recomputed = FairDraw.PickWinner(seed, flow.Id, flow.Participants.Count);
            allMatch &= recomputed == winner;
            lines.Add($"{(recomputed == winner ? "✓" : "✗")} {context.NameOf(flow.Participants[recomputed].Member)}");
        }

        lines.Add(context.Text.Format(allMatch ? "verify.ok" : "verify.mismatch"));
        lines.Add(context.Text.Format("verify.how", flow.Id));
        context.PostCard(new Card(context.Text.Format("verify.title", number, flow.SeedHex), lines, []));
    }

    private static void PayMe(TurnContext context, PayMeCommand command)
    {
        var kind = command.Kind.ToString().ToLowerInvariant();
        context.Chat.Payouts.RemoveAll(p => p.Member == context.Actor!.Key && p.Kind == kind);
        context.Chat.Payouts.Add(new PayoutHandle { Member = context.Actor!.Key, Kind = kind, Handle = command.Handle });
        context.ChatChanged = true;
        context.Reply(context.Text.Format("payme.saved", context.NameOf(context.Actor.Key), kind, command.Handle));
    }

    // ---- members, amounts, participants ------------------------------------------------------------------

    /// <summary>Keeps the member's display name and username, and binds a pending <c>@username</c> to them.</summary>
    private static async Task RememberAsync(TurnContext context, Actor actor)
    {
        var chat = context.Chat;
        var member = chat.Members.Find(m => m.Key == actor.Key);
        if (member is null)
        {
            chat.Members.Add(new MemberInfo { Key = actor.Key, Name = actor.DisplayName, Username = actor.Username });
            context.ChatChanged = true;
        }
        else if (member.Name != actor.DisplayName || member.Username != actor.Username)
        {
            member.Name = actor.DisplayName;
            member.Username = actor.Username;
            context.ChatChanged = true;
        }

        var pendingKey = actor.Username is null ? null : "@" + actor.Username.ToLowerInvariant();
        if (pendingKey is null || !chat.Pending.Remove(pendingKey))
        {
            return;
        }

        context.ChatChanged = true;
        foreach (var obligation in (await context.OpenObligationsAsync()).Where(o => o.Debtor == pendingKey))
        {
            context.Reassign(obligation, actor.Key);
        }

        foreach (var flow in await context.OpenFlowsAsync())
        {
            foreach (var participant in flow.Participants.Where(p => p.Member == pendingKey))
            {
                participant.Member = actor.Key;
                context.Touch(flow);
            }

            if (flow.Participants.Any(p => p.Member == actor.Key))
            {
                await RefreshCardAsync(context, flow.Number);
            }
        }
    }

    internal static string Resolve(TurnContext context, Mention mention)
    {
        if (mention.IsMe)
        {
            return context.Actor!.Key;
        }

        if (mention.UserId is { } id)
        {
            var key = $"{context.Chat.Channel}:{id}";
            if (!context.Chat.Members.Exists(m => m.Key == key))
            {
                context.Chat.Members.Add(new MemberInfo { Key = key, Name = context.Text.Format("member.unnamed", id) });
                context.ChatChanged = true;
            }

            return key;
        }

        var username = mention.Username ?? "";
        var known = context.Chat.Members.Find(m => string.Equals(m.Username, username, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return known.Key;
        }

        var pending = "@" + username.ToLowerInvariant();
        if (!context.Chat.Pending.Contains(pending))
        {
            context.Chat.Pending.Add(pending);
            context.ChatChanged = true;
        }

        return pending;
    }

    private static bool TryAmount(TurnContext context, string text, out Money amount)
    {
        amount = default;
        var parsed = MoneyParser.Parse(text, Currency.Get(context.Chat.Settings.CurrencyCode));
        if (!parsed.Success)
        {
            context.Refuse(parsed.Error.Message(context.Language), fromButton: false);
            return false;
        }

        var max = context.Chat.Settings.EffectiveMaxMinor(parsed.Value.Value.Currency);
        if (parsed.Value.Value.Minor > max)
        {
            context.Refuse(context.Text.Format("refuse.over-max", text,
                MoneyFormatter.Format(Money.FromMinor(max, parsed.Value.Value.Currency), context.Language)), fromButton: false);
            return false;
        }

        amount = parsed.Value.Value;
        return true;
    }

    private static bool TryParticipants(
        TurnContext context, IReadOnlyList<Participant> named, Currency currency, bool includeCreator, List<FlowParticipant> into)
    {
        foreach (var participant in named)
        {
            var member = Resolve(context, participant.Who);
            if (into.Exists(p => p.Member == member))
            {
                context.Refuse(context.Text.Format("refuse.duplicate-participant", context.NameOf(member)), fromButton: false);
                return false;
            }

            if (!TryShare(context, participant, currency, out var kind, out var value))
            {
                return false;
            }

            into.Add(new FlowParticipant { Member = member, Kind = kind, Value = value, JoinedAt = context.Now });
        }

        if (includeCreator && named.Count > 0 && !into.Exists(p => p.Member == context.Actor!.Key))
        {
            into.Insert(0, new FlowParticipant { Member = context.Actor!.Key, JoinedAt = context.Now });
        }

        return true;
    }

    private static bool TryShare(TurnContext context, Participant participant, Currency currency, out ShareKind kind, out long value)
    {
        kind = ShareKind.Weight;
        value = 1;
        var text = participant.ModifierText ?? "";
        switch (participant.Modifier)
        {
            case ShareModifier.Weight when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight <= 1000:
                value = weight;
                return true;
            case ShareModifier.Exact:
                var exact = MoneyParser.Parse(text, currency);
                if (exact.Success && exact.Value.Value.Currency == currency)
                {
                    kind = ShareKind.Exact;
                    value = exact.Value.Value.Minor;
                    return true;
                }

                context.Refuse(exact.Success ? context.Text.Format("refuse.share-currency", text, currency.Code) : exact.Error.Message(context.Language), fromButton: false);
                return false;
            case ShareModifier.Percent when TryBasisPoints(text, out var basisPoints):
                kind = ShareKind.Percent;
                value = basisPoints;
                return true;
            case ShareModifier.None:
                return true;
            default:
                context.Refuse(context.Text.Format("refuse.bad-modifier", text), fromButton: false);
                return false;
        }
    }

    /// <summary>"25" → 2500, "12.5" or "12,5" → 1250; at most two decimals and at most 100%.</summary>
    private static bool TryBasisPoints(string text, out long basisPoints)
    {
        basisPoints = 0;
        var parts = text.Replace(',', '.').Split('.');
        if (parts.Length > 2 || parts[0].Length is 0 or > 3 || !parts.All(p => p.All(char.IsAsciiDigit))
            || (parts.Length == 2 && parts[1].Length is 0 or > 2))
        {
            return false;
        }

        basisPoints = long.Parse(parts[0], CultureInfo.InvariantCulture) * 100
            + (parts.Length == 2 ? long.Parse(parts[1].PadRight(2, '0'), CultureInfo.InvariantCulture) : 0);
        return basisPoints is > 0 and <= 10_000;
    }

    private static string Format(TurnContext context, Obligation obligation) =>
        MoneyFormatter.Format(obligation.Amount, context.Language);
}
