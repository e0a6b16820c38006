using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.BotHost.Storage;

/// <summary>What the invariant auditor found for one chat.</summary>
public sealed record ChatAudit(string ChatKey, int Entries, string Head, bool ChainVerified, bool NetsBalance, bool HeadMatchesChat)
{
    public bool Holds => ChainVerified && NetsBalance && HeadMatchesChat;
}

/// <summary>
/// The invariant auditor: for every chat of a store, the journal's hash chain verifies, Σ nets = 0 in every currency,
/// and the chat record's ledger head and sequence are the journal's last entry.
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
        var head = journal.Count == 0 ? Ledger.GenesisHash : journal[^1].Hash;
        var netsBalance = Ledger.Balances(journal).Values.All(accounts => accounts.Values.Sum() == 0);
        var headMatches = chat is not null && chat.LedgerHead == head && chat.LedgerSequence == journal.Count;
        return new ChatAudit(chatKey, journal.Count, head, Ledger.VerifyChain(journal), netsBalance, headMatches);
    }
}
