namespace GroupPay.Payments;

public enum EntryKind { ObligationCreated, PaymentConfirmed, Netted, Cancelled, Reassigned }

/// <summary>One line of a double-entry posting: a member's account moves by <see cref="Minor"/> (positive = is owed more).</summary>
public sealed record Posting(string Account, long Minor);

/// <summary>An immutable, hash-chained journal entry; its postings always sum to zero.</summary>
public sealed record JournalEntry
{
    public required string ChatKey { get; init; }
    public required long Sequence { get; init; }
    public required string CurrencyCode { get; init; }
    public required EntryKind Kind { get; init; }
    public required string ObligationId { get; init; }
    public required int FlowNumber { get; init; }
    public required string Memo { get; init; }
    public required IReadOnlyList<Posting> Postings { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }
}
