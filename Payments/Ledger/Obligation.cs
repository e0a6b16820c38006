using System.Text.Json.Serialization;

namespace GroupPay.Payments;

public enum ObligationState { Open, Paid, Netted, Cancelled }

/// <summary>"Debtor owes creditor amount, for reason": the unit every flow produces and every payment settles.</summary>
public sealed class Obligation
{
    public required string Id { get; init; }
    public required string ChatKey { get; init; }
    public required int FlowNumber { get; init; }
    public required string Debtor { get; set; }
    public required string Creditor { get; init; }
    public required long Minor { get; init; }
    public required string CurrencyCode { get; init; }
    public required string Reason { get; init; }
    public ObligationState State { get; set; } = ObligationState.Open;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>When the debtor said "I paid" on a person-to-person link; the creditor still has to confirm.</summary>
    public DateTimeOffset? ClaimedPaidAt { get; set; }
    public string? PaidVia { get; set; }
    public string? PaymentReference { get; set; }
    /// <summary>Opaque token of the pay link <c>/pay/{token}</c>.</summary>
    public required string PayToken { get; init; }

    [JsonIgnore]
    public Money Amount => Money.FromMinor(Minor, Currency.Get(CurrencyCode));
    [JsonIgnore]
    public bool IsOpen => State == ObligationState.Open;
}
