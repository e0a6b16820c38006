using System.Collections.Concurrent;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

/// <summary>
/// Each chat's nets per member and currency as summed from its journal up to a sequence number, so the next sum reads
/// only the entries after it. Derived and in memory only: the journal is append-only and an entry never changes, so a
/// sum up to a sequence stays true; a chat forgotten (past the capacity) or after a restart is summed from its start.
/// Callers get and give copies, so what is held is never changed in place.
/// </summary>
public sealed class LedgerNets(int capacity)
{
    private readonly ConcurrentDictionary<string, (long Through, CurrencyNets Nets)> sums = new(StringComparer.Ordinal);

    /// <summary>The last sum of the chat's journal and the sequence it runs through (0 and nothing when none is held), as a copy.</summary>
    public (long Through, CurrencyNets Nets) Get(string chatKey) =>
        sums.TryGetValue(chatKey, out var held) ? (held.Through, Copy(held.Nets)) : (0, new CurrencyNets());

    /// <summary>Holds a copy of the chat's sum through <paramref name="through"/>, unless a sum further along is held already.</summary>
    public void Set(string chatKey, long through, CurrencyNets nets)
    {
        if (sums.Count >= capacity && !sums.ContainsKey(chatKey))
        {
            // Past the capacity an arbitrary quarter is forgotten; a forgotten chat is summed again from its start.
            var drop = Math.Max(1, capacity / 4);
            foreach (var key in sums.Keys)
            {
                if (drop-- == 0)
                {
                    break;
                }

                sums.TryRemove(key, out _);
            }
        }

        var copy = (through, Copy(nets));
        sums.AddOrUpdate(chatKey, copy, (_, held) => held.Through > through ? held : copy);
    }

    private static CurrencyNets Copy(CurrencyNets nets)
    {
        var copy = new CurrencyNets();
        foreach (var (currency, accounts) in nets)
        {
            var accountsCopy = new AccountNets();
            foreach (var (account, net) in accounts)
            {
                accountsCopy[account] = net;
            }

            copy[currency] = accountsCopy;
        }

        return copy;
    }
}
