using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GroupPay.Payments;

/// <summary>
/// The chat's double-entry journal. Every member has one account per currency; an obligation debits the
/// debtor and credits the creditor, and settling it (paid, netted or cancelled) posts the reverse. Balances
/// are always derived from the entries, and each entry carries the SHA-256 of its predecessor so that any
/// edit, removal or reordering breaks the chain.
/// </summary>
public static class Ledger
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static JournalEntry Post(
        string chatKey, long sequence, string previousHash, EntryKind kind, Obligation obligation, DateTimeOffset at,
        string? reassignedFrom = null)
    {
        var postings = kind switch
        {
            EntryKind.ObligationCreated => new[]
            {
                new Posting(obligation.Creditor, obligation.Minor), new Posting(obligation.Debtor, -obligation.Minor),
            },
            EntryKind.Reassigned => new[]
            {
                new Posting(reassignedFrom ?? throw new ArgumentNullException(nameof(reassignedFrom)), obligation.Minor),
                new Posting(obligation.Debtor, -obligation.Minor),
            },
            _ => new[]
            {
                new Posting(obligation.Creditor, -obligation.Minor), new Posting(obligation.Debtor, obligation.Minor),
            },
        };
        var memo = $"{kind} #{obligation.FlowNumber} {obligation.Reason}";
        var hash = ComputeHash(chatKey, sequence, previousHash, obligation.CurrencyCode, kind, obligation.Id, postings, at, memo);
        return new JournalEntry
        {
            ChatKey = chatKey,
            Sequence = sequence,
            CurrencyCode = obligation.CurrencyCode,
            Kind = kind,
            ObligationId = obligation.Id,
            FlowNumber = obligation.FlowNumber,
            Memo = memo,
            Postings = postings,
            At = at,
            PreviousHash = previousHash,
            Hash = hash,
        };
    }

    /// <summary>Net per member and currency; positive = is owed. Members whose net is zero are still listed.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Balances(IEnumerable<JournalEntry> entries)
    {
        var running = new CurrencyNets();
        foreach (var entry in entries)
        {
            AddTo(running, entry);
        }

        return View(running);
    }

    /// <summary>Adds one entry's postings to running nets, as <see cref="Balances"/> sums them.</summary>
    public static void AddTo(CurrencyNets running, JournalEntry entry)
    {
        if (!running.TryGetValue(entry.CurrencyCode, out var nets))
        {
            running[entry.CurrencyCode] = nets = new AccountNets();
        }

        foreach (var posting in entry.Postings)
        {
            nets[posting.Account] = checked(nets.GetValueOrDefault(posting.Account) + posting.Minor);
        }
    }

    /// <summary>Running nets in the shape <see cref="Balances"/> returns (currencies and accounts in ordinal order); not copied.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> View(CurrencyNets running) =>
        running.ToDictionary(pair => pair.Key, pair => (IReadOnlyDictionary<string, long>)pair.Value, StringComparer.Ordinal);

    /// <summary>True when every entry balances, the sequence has no gaps and each hash matches its content and predecessor.</summary>
    public static bool VerifyChain(IReadOnlyList<JournalEntry> entries)
    {
        var previous = GenesisHash;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Sequence != i + 1 || entry.PreviousHash != previous || entry.Postings.Sum(p => p.Minor) != 0)
            {
                return false;
            }

            var expected = ComputeHash(entry.ChatKey, entry.Sequence, entry.PreviousHash, entry.CurrencyCode, entry.Kind,
                entry.ObligationId, entry.Postings, entry.At, entry.Memo);
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(entry.Hash)))
            {
                return false;
            }

            previous = entry.Hash;
        }

        return true;
    }

    private static string ComputeHash(
        string chatKey, long sequence, string previousHash, string currency, EntryKind kind, string obligationId,
        IReadOnlyList<Posting> postings, DateTimeOffset at, string memo)
    {
        var text = new StringBuilder()
            .Append(previousHash).Append('\n')
            .Append(chatKey).Append('\n')
            .Append(sequence.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(currency).Append('\n')
            .Append(kind.ToString()).Append('\n')
            .Append(obligationId).Append('\n')
            .Append(at.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(memo).Append('\n');
        foreach (var posting in postings)
        {
            text.Append(posting.Account).Append('=').Append(posting.Minor.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>Each account's net in one currency (positive = is owed), in ordinal order of the accounts.</summary>
public sealed class AccountNets() : SortedDictionary<string, long>(StringComparer.Ordinal);

/// <summary>Nets per currency code, in ordinal order.</summary>
public sealed class CurrencyNets() : SortedDictionary<string, AccountNets>(StringComparer.Ordinal)
{
    public CurrencyNets Copy()
    {
        var copy = new CurrencyNets();
        foreach (var (currency, accounts) in this)
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
