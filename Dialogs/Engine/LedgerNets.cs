using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary>
/// Each chat's nets per member and currency as summed from its journal up to a sequence number, so the next sum reads
/// only the entries after it. Derived and in memory only: the journal is append-only and an entry never changes, so a
/// sum up to a sequence stays true; a chat forgotten (past the capacity) or after a restart is summed from its start.
/// What is held is never changed in place: <see cref="Get"/> hands out a copy, <see cref="Set"/> takes what it is given.
/// </summary>
public sealed class LedgerNets(int capacity)
{
    private readonly RecordCache<Sum> sums = new(capacity);

    /// <summary>The last sum of the chat's journal and the sequence it runs through (0 and nothing when none is held), as a copy.</summary>
    public (long Through, CurrencyNets Nets) Get(string chatKey) =>
        sums.TryGet(chatKey, out var held) ? (held.Through, held.Nets.Copy()) : (0, new CurrencyNets());

    /// <summary>
    /// Holds the chat's sum through <paramref name="through"/> (the caller gives <paramref name="nets"/> up), unless one
    /// further along is held already. The engine runs one turn of a chat at a time, so no other sets the same chat meanwhile.
    /// </summary>
    public void Set(string chatKey, long through, CurrencyNets nets)
    {
        if (!sums.TryGet(chatKey, out var held) || held.Through <= through)
        {
            sums.Set(chatKey, new Sum(through, nets));
        }
    }

    private sealed record Sum(long Through, CurrencyNets Nets);
}
