using System.Text.Json.Serialization;
using GroupPay.Payments;

namespace GroupPay.Dialogs.Engine;

public sealed class ChatSettings
{
    public string CurrencyCode { get; set; } = "EUR";
    public string? Provider { get; set; }
    public bool AdminsOnlyStart { get; set; }
    /// <summary>Largest amount one flow may carry, in minor units of <see cref="CurrencyCode"/>; null = 10,000 major units.</summary>
    public long? MaxAmountMinor { get; set; }
    public string Language { get; set; } = "en";
    public bool DailyReminders { get; set; }
    public List<string> Admins { get; set; } = [];

    public long EffectiveMaxMinor(Currency currency) =>
        currency.Code == CurrencyCode && MaxAmountMinor is { } max ? max : 10_000 * Pow10(currency.Exponent);

    internal static long Pow10(int exponent)
    {
        long value = 1;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}

public sealed class MemberInfo
{
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? Username { get; set; }
}

public sealed class PayoutHandle
{
    public required string Member { get; set; }
    public required string Kind { get; set; }
    public required string Handle { get; set; }
}

/// <summary>The chat aggregate: settings, the members seen, counters and the ledger head. Version-checked on save.</summary>
public sealed class ChatRecord
{
    public required string Key { get; set; }
    public ChatSettings Settings { get; set; } = new();
    public List<MemberInfo> Members { get; set; } = [];
    public List<PayoutHandle> Payouts { get; set; } = [];
    /// <summary>Keys (<c>@username</c>) of people named before the bot saw them; bound when they first interact.</summary>
    public List<string> Pending { get; set; } = [];
    public int NextFlowNumber { get; set; } = 1;
    public int NextObligationNumber { get; set; } = 1;
    public long LedgerSequence { get; set; }
    public string LedgerHead { get; set; } = Ledger.GenesisHash;
    public long Version { get; set; }

    /// <summary>The member's display name as last seen, or the key itself for someone never seen.</summary>
    public string NameOf(string memberKey) => Members.Find(m => m.Key == memberKey)?.Name ?? memberKey;

    [JsonIgnore]
    public string Channel => Key[..Math.Max(0, Key.IndexOf(':', StringComparison.Ordinal))];
}

public enum FlowKind { Split, Collect, Lottery, Raffle, Transfer, Request, SettleUp }

public sealed class FlowParticipant
{
    /// <summary>Member key, or <c>@username</c> while the member is pending (named but not seen yet).</summary>
    public required string Member { get; set; }
    public ShareKind Kind { get; set; } = ShareKind.Weight;
    public long Value { get; set; } = 1;
    /// <summary>The share, grab or stake this participant ended up with, once known.</summary>
    public long? Minor { get; set; }
    public DateTimeOffset JoinedAt { get; set; }
}

/// <summary>One run of a flow. <see cref="State"/> is the Stateless machine's state, stored outside the machine.</summary>
public sealed class FlowRecord
{
    public required string Id { get; set; }
    public required string ChatKey { get; set; }
    public required int Number { get; set; }
    public required FlowKind Kind { get; set; }
    public required string State { get; set; }
    public required string Creator { get; set; }
    public long AmountMinor { get; set; }
    public required string CurrencyCode { get; set; }
    public string? Description { get; set; }
    /// <summary>True when the roster was named in the command; otherwise members opt in with Join.</summary>
    public bool FixedRoster { get; set; }
    public List<FlowParticipant> Participants { get; set; } = [];
    public List<string> ObligationIds { get; set; } = [];
    public int PacketCount { get; set; }
    public string? SeedHex { get; set; }
    public string? Commitment { get; set; }
    public bool SeedRevealed { get; set; }
    public int? WinnerIndex { get; set; }
    public bool IsOptimalPlan { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? Deadline { get; set; }
    public DateTimeOffset? NextReminderAt { get; set; }
    public DateTimeOffset? LastReminderAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public bool IsOpen { get; set; } = true;
    /// <summary>The earliest persisted due time while the flow is open (deadline, expiry or reminder); indexed for the scheduler.</summary>
    public DateTimeOffset? DueAt { get; set; }
    /// <summary>Button action → opaque token, created once per flow so a re-rendered card keeps its buttons valid.</summary>
    public Dictionary<string, string> Tokens { get; set; } = [];
    public long Version { get; set; }

    [JsonIgnore]
    public Currency Currency => Currency.Get(CurrencyCode);
    [JsonIgnore]
    public Money Amount => Money.FromMinor(AmountMinor, Currency);

    public static string MakeId(string chatKey, int number) => $"{chatKey}#{number}";
}

/// <summary>Server-side meaning of a callback token.</summary>
public sealed record ButtonToken(string Token, string ChatKey, int FlowNumber, string Action, string? ObligationId);

public enum OutboxKind { Card, Text, Document }

/// <summary>An effect the turn decided on; delivered by the channel after the turn commits.</summary>
public sealed class OutboxItem
{
    public long Id { get; set; }
    public required string ChatKey { get; set; }
    public required OutboxKind Kind { get; set; }
    /// <summary>For cards: the key that makes a later card with the same key an edit in place (<c>flow:12</c>).</summary>
    public string? CardKey { get; set; }
    public Cards.Card? Card { get; set; }
    public string? Text { get; set; }
    public string? FileName { get; set; }
    public string? FileContent { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Everything one turn changes, committed in one transaction.</summary>
public sealed record TurnCommit(
    string DedupeKey,
    ChatRecord Chat,
    bool ChatChanged,
    IReadOnlyList<FlowRecord> Flows,
    IReadOnlyList<Obligation> Obligations,
    IReadOnlyList<JournalEntry> Entries,
    IReadOnlyList<ButtonToken> Tokens,
    IReadOnlyList<OutboxItem> Outbox);
