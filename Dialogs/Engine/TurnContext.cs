using System.Security.Cryptography;
using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Text;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary>
/// The unit of work of one turn: what the turn read, and every change and effect it decided on. Nothing here
/// touches a platform or a gateway; <see cref="ToCommit"/> hands the lot to the store in one transaction.
/// </summary>
public sealed class TurnContext
{
    private readonly IGroupPayStore store;
    private readonly Dictionary<int, FlowRecord> flows = [];
    private readonly HashSet<int> changedFlows = [];
    private readonly Dictionary<string, Obligation> obligations = new(StringComparer.Ordinal);
    private readonly HashSet<string> changedObligations = new(StringComparer.Ordinal);
    private readonly List<JournalEntry> entries = [];
    private readonly List<ButtonToken> tokens = [];
    private readonly List<OutboxItem> outbox = [];
    private readonly LedgerSums sums;
    private LedgerSum? ledger;

    internal TurnContext(IGroupPayStore store, ChatRecord chat, Actor? actor, DateTimeOffset now, EngineOptions options, LedgerSums sums, CancellationToken ct)
    {
        this.store = store;
        this.sums = sums;
        Chat = chat;
        Actor = actor;
        Now = now;
        Options = options;
        CancellationToken = ct;
    }

    public ChatRecord Chat { get; }
    public Actor? Actor { get; }
    public DateTimeOffset Now { get; }
    public EngineOptions Options { get; }
    public CancellationToken CancellationToken { get; }
    public Catalog Text => Catalog.For(Chat.Settings.Language);
    public string Language => Chat.Settings.Language;
    public bool ChatChanged { get; set; }
    /// <summary>A short answer shown only to the presser (Telegram's callback answer, Discord's ephemeral reply).</summary>
    public string? Toast { get; private set; }
    /// <summary>The turn answered with a refusal (<see cref="Refuse"/>).</summary>
    public bool Refused { get; private set; }

    public bool ActorIsAdmin => Actor is not null && (Actor.IsPlatformAdmin || Chat.Settings.Admins.Contains(Actor.Key));

    public string NameOf(string memberKey)
    {
        if (memberKey.StartsWith('@'))
        {
            return Text.Format("member.pending", memberKey);
        }

        return Chat.NameOf(memberKey);
    }

    public async Task<FlowRecord?> FlowAsync(int number)
    {
        if (flows.TryGetValue(number, out var cached))
        {
            return cached;
        }

        var flow = await store.LoadFlowAsync(Chat.Key, number, CancellationToken);
        if (flow is not null)
        {
            flows[number] = flow;
        }

        return flow;
    }

    public async Task<Obligation?> ObligationAsync(string id)
    {
        if (obligations.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var obligation = await store.LoadObligationAsync(id, CancellationToken);
        if (obligation is not null && obligation.ChatKey == Chat.Key)
        {
            obligations[id] = obligation;
            return obligation;
        }

        return null;
    }

    public async Task<IReadOnlyList<Obligation>> ObligationsOfAsync(FlowRecord flow)
    {
        var list = new List<Obligation>(flow.ObligationIds.Count);
        foreach (var id in flow.ObligationIds)
        {
            if (await ObligationAsync(id) is { } obligation)
            {
                list.Add(obligation);
            }
        }

        return list;
    }

    /// <summary>
    /// Every open obligation of the chat, as the store has it, overlaid with this turn's changes. Which ones are open is
    /// read from the journal (<see cref="LedgerSum.Open"/>, only the entries after the remembered sum), and only those
    /// are loaded, in one read: a group's /settle does not read every obligation it ever had.
    /// </summary>
    public async Task<IReadOnlyList<Obligation>> OpenObligationsAsync()
    {
        var sum = await LedgerAsync();
        var missing = sum.Open.Where(id => !obligations.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var obligation in await store.LoadObligationsAsync(missing, CancellationToken))
            {
                if (obligation.ChatKey == Chat.Key)
                {
                    obligations[obligation.Id] = obligation;
                }
            }
        }

        // Loaded ones are open unless this turn closed them; the turn's own new ones are in the map as well.
        return obligations.Values.Where(o => o.IsOpen).OrderBy(o => o.CreatedAt).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<JournalEntry>> JournalAsync() =>
        [.. await store.JournalAsync(Chat.Key, CancellationToken), .. entries];

    /// <summary>
    /// Each member's net per currency, this turn's postings included, summed from the journal. The journal only grows and
    /// its entries never change, so the sums are remembered (<see cref="LedgerSums"/>) and only the entries after them are
    /// read: a group's /balance no longer reads its whole history. Nothing of it is stored; the journal stays the record.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> BalancesAsync() =>
        (await LedgerAsync()).BalancesWith(entries);

    /// <summary>
    /// The chat's committed journal summed to its end: the remembered sum carried on through the entries after it. Read
    /// once per turn (the turn holds its chat, so no other commits to the journal meanwhile).
    /// </summary>
    private async Task<LedgerSum> LedgerAsync() => ledger ??= await SumLedgerAsync();

    private async Task<LedgerSum> SumLedgerAsync()
    {
        var held = sums.Get(Chat.Key);
        var sum = held.With(await store.JournalAfterAsync(Chat.Key, held.Through, CancellationToken));
        if (sum != held)
        {
            sums.Set(Chat.Key, sum);
        }

        return sum;
    }

    public async Task<ButtonToken?> TokenAsync(string token) =>
        tokens.Find(t => t.Token == token) ?? await store.LoadTokenAsync(token, CancellationToken);

    /// <summary>Open flows of the chat, as this turn sees them.</summary>
    public async Task<IReadOnlyList<FlowRecord>> OpenFlowsAsync()
    {
        var result = new List<FlowRecord>();
        foreach (var stored in await store.RecentFlowsAsync(Chat.Key, 500, openOnly: true, CancellationToken))
        {
            result.Add(flows.TryGetValue(stored.Number, out var mine) ? mine : flows[stored.Number] = stored);
        }

        return result;
    }

    /// <summary>
    /// The chat's newest flows (up to <paramref name="count"/>, as committed), newest first. Flows are numbered from 1 as
    /// they are made, so the newest are loaded by number in one read instead of reading every flow of the chat.
    /// </summary>
    public async Task<IReadOnlyList<FlowRecord>> RecentFlowsAsync(int count)
    {
        var newest = Chat.NextFlowNumber - 1;
        var numbers = Enumerable.Range(0, Math.Max(0, Math.Min(count, newest))).Select(i => newest - i).ToList();
        return [.. (await store.LoadFlowsAsync(Chat.Key, numbers, CancellationToken)).OrderByDescending(f => f.Number)];
    }

    /// <summary>
    /// The chat's newest journal entries that <paramref name="match"/> (up to <paramref name="count"/>, this turn's
    /// included), newest first. Read from the end in growing windows (256 entries, then four times as many), so a long
    /// history is read only as far back as the answer needs.
    /// </summary>
    public async Task<IReadOnlyList<JournalEntry>> RecentEntriesAsync(Func<JournalEntry, bool> match, int count)
    {
        var committed = Chat.LedgerSequence - entries.Count;
        var mine = entries.Where(match).Reverse().ToList();
        for (long window = 256; ; window *= 4)
        {
            var after = Math.Max(0, committed - window);
            var tail = await store.JournalAfterAsync(Chat.Key, after, CancellationToken);
            var found = mine.Concat(tail.Where(match).Reverse()).ToList();
            if (found.Count >= count || after == 0)
            {
                return [.. found.Take(count)];
            }
        }
    }

    public FlowRecord NewFlow(FlowKind kind, string initialState, Money amount, string? description)
    {
        var number = Chat.NextFlowNumber++;
        ChatChanged = true;
        var flow = new FlowRecord
        {
            Id = FlowRecord.MakeId(Chat.Key, number),
            ChatKey = Chat.Key,
            Number = number,
            Kind = kind,
            State = initialState,
            Creator = Actor?.Key ?? throw new InvalidOperationException("A flow needs a creator."),
            AmountMinor = amount.Minor,
            CurrencyCode = amount.Currency.Code,
            Description = description,
            CreatedAt = Now,
        };
        flows[number] = flow;
        changedFlows.Add(number);
        return flow;
    }

    public void Touch(FlowRecord flow)
    {
        flows[flow.Number] = flow;
        changedFlows.Add(flow.Number);
    }

    public Obligation CreateObligation(FlowRecord flow, string debtor, string creditor, long minor, string reason)
    {
        var obligation = new Obligation
        {
            Id = $"{Chat.Key}/o{Chat.NextObligationNumber++}",
            ChatKey = Chat.Key,
            FlowNumber = flow.Number,
            Debtor = debtor,
            Creditor = creditor,
            Minor = minor,
            CurrencyCode = flow.CurrencyCode,
            Reason = reason,
            CreatedAt = Now,
            PayToken = NewToken(),
        };
        ChatChanged = true;
        obligations[obligation.Id] = obligation;
        changedObligations.Add(obligation.Id);
        flow.ObligationIds.Add(obligation.Id);
        Touch(flow);
        Post(EntryKind.ObligationCreated, obligation);
        return obligation;
    }

    /// <summary>Closes an open obligation as paid, netted or cancelled, with the reversing journal entry.</summary>
    public void Close(Obligation obligation, ObligationState state, string? via = null, string? reference = null)
    {
        if (!obligation.IsOpen)
        {
            throw new InvalidOperationException($"Obligation {obligation.Id} is already {obligation.State}.");
        }

        obligation.State = state;
        obligation.ClosedAt = Now;
        obligation.PaidVia = via;
        obligation.PaymentReference = reference;
        MarkChanged(obligation);
        Post(state switch
        {
            ObligationState.Paid => EntryKind.PaymentConfirmed,
            ObligationState.Netted => EntryKind.Netted,
            ObligationState.Cancelled => EntryKind.Cancelled,
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        }, obligation);
    }

    /// <summary>Moves an obligation of a pending <c>@username</c> to the member it turned out to be.</summary>
    public void Reassign(Obligation obligation, string newDebtor)
    {
        var previous = obligation.Debtor;
        obligation.Debtor = newDebtor;
        MarkChanged(obligation);
        Post(EntryKind.Reassigned, obligation, previous);
    }

    public void MarkChanged(Obligation obligation)
    {
        obligations[obligation.Id] = obligation;
        changedObligations.Add(obligation.Id);
    }

    private void Post(EntryKind kind, Obligation obligation, string? reassignedFrom = null)
    {
        var entry = Ledger.Post(Chat.Key, Chat.LedgerSequence + 1, Chat.LedgerHead, kind, obligation, Now, reassignedFrom);
        Chat.LedgerSequence = entry.Sequence;
        Chat.LedgerHead = entry.Hash;
        ChatChanged = true;
        entries.Add(entry);
    }

    /// <summary>The callback token of a flow's button; created once and kept in the flow so re-rendered cards stay valid.</summary>
    public string ButtonToken(FlowRecord flow, string action, string? obligationId = null)
    {
        var key = obligationId is null ? action : $"{action}:{obligationId}";
        if (!flow.Tokens.TryGetValue(key, out var token))
        {
            token = NewToken();
            flow.Tokens[key] = token;
            tokens.Add(new ButtonToken(token, Chat.Key, flow.Number, action, obligationId));
            Touch(flow);
        }

        return token;
    }

    public string PayUrl(Obligation obligation) => $"{Options.PublicBaseUrl.TrimEnd('/')}/pay/{obligation.PayToken}";

    public void Reply(string text) => outbox.Add(new OutboxItem { ChatKey = Chat.Key, Kind = OutboxKind.Text, Text = text, CreatedAt = Now });

    public void ShowCard(FlowRecord flow, Card card) => outbox.Add(new OutboxItem
    {
        ChatKey = Chat.Key, Kind = OutboxKind.Card, CardKey = $"flow:{flow.Number}", Card = card, CreatedAt = Now,
    });

    public void PostCard(Card card) => outbox.Add(new OutboxItem { ChatKey = Chat.Key, Kind = OutboxKind.Card, Card = card, CreatedAt = Now });

    public void SendDocument(string fileName, string content, string caption) => outbox.Add(new OutboxItem
    {
        ChatKey = Chat.Key, Kind = OutboxKind.Document, FileName = fileName, FileContent = content, Text = caption, CreatedAt = Now,
    });

    public void Answer(string text) => Toast = text;

    /// <summary>Answers the presser privately when a button was pressed, else in the chat.</summary>
    public void Refuse(string text, bool fromButton)
    {
        Refused = true;
        if (fromButton)
        {
            Answer(text);
        }
        else
        {
            Reply(text);
        }
    }

    internal TurnCommit ToCommit(string dedupeKey) => new(
        dedupeKey,
        Chat,
        ChatChanged,
        changedFlows.Select(n => flows[n]).ToList(),
        changedObligations.Select(id => obligations[id]).ToList(),
        entries,
        tokens,
        outbox);

    internal IReadOnlyList<OutboxItem> Outbox => outbox;

    /// <summary>
    /// An unguessable token (120 random bits) led by the time in base 36 (8 characters, in order until 2059), so tokens
    /// made near each other sort near each other: a store's index of them then grows at one end, where a purely random
    /// key would touch a different index page on every insert.
    /// </summary>
    private string NewToken()
    {
        var millis = (ulong)Now.ToUnixTimeMilliseconds();
        Span<char> prefix = stackalloc char[8];
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            prefix[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[(int)(millis % 36)];
            millis /= 36;
        }

        return string.Concat(prefix, Base64Url(RandomNumberGenerator.GetBytes(15)));
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
