using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary>
/// What each chat's journal says up to a sequence number: the nets per member and currency, and which obligations are
/// open (created and not yet paid, netted or cancelled). The next turn reads only the entries after it. Derived and in
/// memory only: the journal is append-only and an entry never changes, so a sum up to a sequence stays true; a chat
/// forgotten (past the capacity) or after a restart is summed from its start.
/// </summary>
public sealed class LedgerSums(int capacity)
{
    private readonly RecordCache<LedgerSum> sums = new(capacity);

    /// <summary>The last sum held for the chat (<see cref="LedgerSum.Empty"/> when none); never changed in place.</summary>
    public LedgerSum Get(string chatKey) => sums.TryGet(chatKey, out var held) ? held : LedgerSum.Empty;

    /// <summary>
    /// Holds <paramref name="sum"/> for the chat unless one further along is held already. The engine runs one turn of a
    /// chat at a time, so no other sets the same chat meanwhile.
    /// </summary>
    public void Set(string chatKey, LedgerSum sum)
    {
        if (!sums.TryGet(chatKey, out var held) || held.Through <= sum.Through)
        {
            sums.Set(chatKey, sum);
        }
    }
}

/// <summary>A chat's journal summed through <see cref="Through"/>. Immutable once built: <see cref="With"/> makes a new one.</summary>
public sealed class LedgerSum
{
    private readonly CurrencyNets nets;
    private readonly HashSet<string> open;

    private LedgerSum(long through, CurrencyNets nets, HashSet<string> open)
    {
        Through = through;
        this.nets = nets;
        this.open = open;
    }

    /// <summary>Nothing summed yet.</summary>
    public static LedgerSum Empty { get; } = new(0, new CurrencyNets(), new HashSet<string>(StringComparer.Ordinal));

    public long Through { get; }

    /// <summary>Ids of the obligations open after entry <see cref="Through"/>.</summary>
    public IReadOnlySet<string> Open => open;

    /// <summary>Each member's net per currency after entry <see cref="Through"/>, in <see cref="Ledger.Balances"/>'s shape.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Balances() => Ledger.View(nets);

    /// <summary>The nets with <paramref name="more"/> (later entries) added, in <see cref="Ledger.Balances"/>'s shape; this sum is unchanged.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> BalancesWith(IReadOnlyList<JournalEntry> more)
    {
        if (more.Count == 0)
        {
            return Balances();
        }

        var running = nets.Copy();
        foreach (var entry in more)
        {
            Ledger.AddTo(running, entry);
        }

        return Ledger.View(running);
    }

    /// <summary>This sum carried on through <paramref name="newer"/> (the entries after <see cref="Through"/>, in order).</summary>
    public LedgerSum With(IReadOnlyList<JournalEntry> newer)
    {
        if (newer.Count == 0)
        {
            return this;
        }

        var running = nets.Copy();
        var stillOpen = new HashSet<string>(open, StringComparer.Ordinal);
        foreach (var entry in newer)
        {
            Ledger.AddTo(running, entry);
            switch (entry.Kind)
            {
                case EntryKind.ObligationCreated:
                    stillOpen.Add(entry.ObligationId);
                    break;
                case EntryKind.PaymentConfirmed or EntryKind.Netted or EntryKind.Cancelled:
                    stillOpen.Remove(entry.ObligationId);
                    break;
            }
        }

        return new LedgerSum(newer[^1].Sequence, running, stillOpen);
    }
}
