using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.BotHost.Storage;

/// <summary>Every record of a store, as the storage migration copies it from one database into another.</summary>
public sealed record StoreSnapshot(
    IReadOnlyList<ChatRecord> Chats,
    IReadOnlyList<FlowRecord> Flows,
    IReadOnlyList<Obligation> Obligations,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<ButtonToken> Tokens,
    IReadOnlyList<(string Key, DateTimeOffset At)> DedupeKeys,
    IReadOnlyList<(OutboxItem Item, bool Delivered)> Outbox,
    IReadOnlyList<(string ChatKey, string CardKey, string MessageRef)> CardRefs);
