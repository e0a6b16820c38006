using System.Diagnostics.CodeAnalysis;

namespace GroupPay.Payments;

/// <summary>Either a parsed amount or the reason it was refused; exactly one of the two is set.</summary>
public sealed record MoneyParseResult
{
    public MoneyParseResult(Money? Value, MoneyParseError? Error)
    {
        if ((Value is null) == (Error is null))
        {
            throw new ArgumentException("Exactly one of Value and Error must be set.");
        }

        this.Value = Value;
        this.Error = Error;
    }

    public Money? Value { get; }

    public MoneyParseError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success
    {
        get
        {
            if (Value is not null)
            {
                return true;
            }

            return Error is not null ? false : throw new InvalidOperationException("Neither value nor error is set.");
        }
    }

    public void Deconstruct(out Money? Value, out MoneyParseError? Error)
    {
        Value = this.Value;
        Error = this.Error;
    }

    internal static MoneyParseResult Ok(Money value) => new(value, null);

    internal static MoneyParseResult Fail(MoneyErrorKind kind, string input, Currency currency) =>
        new(null, new MoneyParseError(kind, input, currency));
}

public enum MoneyErrorKind
{
    Empty,
    Malformed,
    Ambiguous,
    Negative,
    Zero,
    NotANumber,
    TooManyDecimals,
    UnknownCurrency,
    TooLarge,
}
