using System.Globalization;
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

    /// <summary>
    /// The open obligations, held small since thousands of chats are: the number of each id of the form
    /// <c>{chat}/o{number}</c> (every id the engine makes, <see cref="TurnContext.CreateObligation"/>), sorted, and any
    /// other id whole.
    /// </summary>
    private readonly string? prefix;
    private readonly int[] openNumbers;
    private readonly string[] openOthers;

    private LedgerSum(long through, CurrencyNets nets, string? prefix, int[] openNumbers, string[] openOthers)
    {
        Through = through;
        this.nets = nets;
        this.prefix = prefix;
        this.openNumbers = openNumbers;
        this.openOthers = openOthers;
    }

    /// <summary>Nothing summed yet.</summary>
    public static LedgerSum Empty { get; } = new(0, new CurrencyNets(), null, [], []);

    public long Through { get; }

    /// <summary>Ids of the obligations open after entry <see cref="Through"/> (made on each call).</summary>
    public IReadOnlyList<string> Open => [.. openNumbers.Select(n => prefix + n.ToString(CultureInfo.InvariantCulture)), .. openOthers];

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
        var chatPrefix = prefix ?? newer[0].ChatKey + "/o";
        var numbers = new HashSet<int>(openNumbers);
        var others = new HashSet<string>(openOthers, StringComparer.Ordinal);
        foreach (var entry in newer)
        {
            Ledger.AddTo(running, entry);
            var opens = entry.Kind == EntryKind.ObligationCreated;
            if (!opens && entry.Kind is not (EntryKind.PaymentConfirmed or EntryKind.Netted or EntryKind.Cancelled))
            {
                continue;
            }

            if (NumberOf(entry.ObligationId, chatPrefix) is { } number)
            {
                _ = opens ? numbers.Add(number) : numbers.Remove(number);
            }
            else
            {
                _ = opens ? others.Add(entry.ObligationId) : others.Remove(entry.ObligationId);
            }
        }

        var sorted = numbers.ToArray();
        Array.Sort(sorted);
        return new LedgerSum(newer[^1].Sequence, running, chatPrefix, sorted, [.. others]);
    }

    /// <summary>The number of an id <c>{prefix}{number}</c> written as the engine writes it (no sign, no leading zero), or null.</summary>
    private static int? NumberOf(string id, string prefix)
    {
        if (!id.StartsWith(prefix, StringComparison.Ordinal) || id.Length == prefix.Length || id[prefix.Length] == '0')
        {
            return null;
        }

        return int.TryParse(id.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }
}
