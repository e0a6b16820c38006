using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.BotHost.Storage;

/// <summary>What the invariant auditor found for one chat; <see cref="Problems"/> names each broken invariant.</summary>
public sealed record ChatAudit(
    string ChatKey, int Entries, string Head, bool ChainVerified, bool NetsBalance, bool HeadMatchesChat,
    bool EntriesBalance, bool ObligationsAgree, IReadOnlyList<string> Problems)
{
    public bool Holds => ChainVerified && NetsBalance && HeadMatchesChat && EntriesBalance && ObligationsAgree;
}

/// <summary>
/// The invariant auditor shared by the admin API's <c>audit</c>, the storage migration and the reliability suite. For
/// every chat of a store:
/// <list type="bullet">
/// <item>the journal's hash chain verifies (no gap, no edit, no reordering);</item>
/// <item>every entry balances (its postings sum to zero);</item>
/// <item>Σ nets = 0 per currency;</item>
/// <item>the chat record's ledger head and sequence are the journal's last entry;</item>
/// <item>obligation states agree with the ledger: each obligation was created exactly once, for its amount; an open one's
/// creation is not reversed; a closed one's is reversed exactly once, by the entry its state names; and every entry
/// belongs to a known obligation of the chat.</item>
/// </list>
/// </summary>
public static class StoreAuditor
{
    public static async Task<IReadOnlyList<ChatAudit>> AuditAsync(IGroupPayStore store, CancellationToken ct = default)
    {
        var audits = new List<ChatAudit>();
        foreach (var chatKey in await store.ChatKeysAsync(ct))
        {
            audits.Add(await AuditChatAsync(store, chatKey, ct));
        }

        return audits;
    }

    public static async Task<ChatAudit> AuditChatAsync(IGroupPayStore store, string chatKey, CancellationToken ct = default)
    {
        var journal = await store.JournalAsync(chatKey, ct);
        var chat = await store.LoadChatAsync(chatKey, ct);
        var obligations = await store.ObligationsAsync(chatKey, null, openOnly: false, ct);
        return Audit(chatKey, chat, journal, obligations);
    }

    public static ChatAudit Audit(string chatKey, ChatRecord? chat, IReadOnlyList<JournalEntry> journal, IReadOnlyList<Obligation> obligations)
    {
        var problems = new List<string>();
        var head = journal.Count == 0 ? Ledger.GenesisHash : journal[^1].Hash;
        var chainVerified = Ledger.VerifyChain(journal);
        if (!chainVerified)
        {
            problems.Add("the hash chain does not verify");
        }

        var unbalanced = journal.Where(e => e.Postings.Sum(p => p.Minor) != 0).Select(e => e.Sequence).ToList();
        if (unbalanced.Count > 0)
        {
            problems.Add($"entries {string.Join(", ", unbalanced)} do not balance");
        }

        var netsBalance = true;
        foreach (var (currency, nets) in Ledger.Balances(journal))
        {
            if (nets.Values.Sum() != 0)
            {
                netsBalance = false;
                problems.Add($"nets in {currency} sum to {nets.Values.Sum()}, not 0");
            }
        }

        var headMatches = chat is not null && chat.LedgerHead == head && chat.LedgerSequence == journal.Count;
        if (!headMatches)
        {
            problems.Add("the chat's ledger head is not the journal's last entry");
        }

        var before = problems.Count;
        CheckObligations(journal, obligations, problems);
        return new ChatAudit(chatKey, journal.Count, head, chainVerified, netsBalance, headMatches, unbalanced.Count == 0,
            problems.Count == before, problems);
    }

    private static void CheckObligations(IReadOnlyList<JournalEntry> journal, IReadOnlyList<Obligation> obligations, List<string> problems)
    {
        var entries = journal.ToLookup(e => e.ObligationId, StringComparer.Ordinal);
        var known = obligations.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var stray in journal.Where(e => !known.Contains(e.ObligationId)).Select(e => e.Sequence))
        {
            problems.Add($"entry {stray} names an obligation the chat does not have");
        }

        foreach (var obligation in obligations)
        {
            var own = entries[obligation.Id].ToList();
            var created = own.Count(e => e.Kind == EntryKind.ObligationCreated);
            var closings = own.Where(e => e.Kind is EntryKind.PaymentConfirmed or EntryKind.Netted or EntryKind.Cancelled).ToList();
            if (created != 1)
            {
                problems.Add($"obligation {obligation.Id} was created {created} times in the ledger");
            }

            if (own.Any(e => e.CurrencyCode != obligation.CurrencyCode || e.Postings.Any(p => Math.Abs(p.Minor) != obligation.Minor)))
            {
                problems.Add($"obligation {obligation.Id} has entries for another amount or currency");
            }

            if (obligation.IsOpen && closings.Count != 0)
            {
                problems.Add($"obligation {obligation.Id} is open but its creation was reversed");
            }
            else if (!obligation.IsOpen && (closings.Count != 1 || closings[0].Kind != ClosingKind(obligation.State)))
            {
                problems.Add($"obligation {obligation.Id} is {obligation.State} but was reversed {closings.Count} times");
            }

            var nets = Ledger.Balances(own).GetValueOrDefault(obligation.CurrencyCode) ?? new Dictionary<string, long>();
            var expectedCreditor = obligation.IsOpen ? obligation.Minor : 0;
            var expectedDebtor = obligation.IsOpen ? -obligation.Minor : 0;
            var othersZero = nets.Where(n => n.Key != obligation.Creditor && n.Key != obligation.Debtor).All(n => n.Value == 0);
            if (nets.GetValueOrDefault(obligation.Creditor) != expectedCreditor
                || (obligation.Creditor != obligation.Debtor && nets.GetValueOrDefault(obligation.Debtor) != expectedDebtor)
                || !othersZero)
            {
                problems.Add($"obligation {obligation.Id} ({obligation.State}) does not net to what its state says");
            }
        }
    }

    private static EntryKind ClosingKind(ObligationState state) => state switch
    {
        ObligationState.Paid => EntryKind.PaymentConfirmed,
        ObligationState.Netted => EntryKind.Netted,
        _ => EntryKind.Cancelled,
    };
}
