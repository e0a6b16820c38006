using System.Globalization;

namespace GroupPay.Payments;

/// <summary>
/// An amount as a whole number of the currency's minor unit (cents for EUR, yen for JPY, fils for KWD).
/// Arithmetic is checked and never mixes currencies.
/// </summary>
public readonly record struct Money(long Minor, Currency Currency) : IComparable<Money>
{
    public Currency Currency { get; } = Currency ?? throw new ArgumentNullException(nameof(Currency));

    public bool IsZero => Minor == 0;

    public bool IsPositive => Minor > 0;

    public bool IsNegative => Minor < 0;

    public static Money Zero(Currency currency) => new(0, currency);

    public static Money FromMinor(long minor, Currency currency) => new(minor, currency);

    public Money Negate() => this with { Minor = checked(-Minor) };

    public static Money operator -(Money money) => money.Negate();

    public static Money operator +(Money left, Money right) =>
        new(checked(left.Minor + right.Minor), SameCurrency(left, right, "add"));

    public static Money operator -(Money left, Money right) =>
        new(checked(left.Minor - right.Minor), SameCurrency(left, right, "subtract"));

    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    public int CompareTo(Money other)
    {
        _ = SameCurrency(this, other, "compare");
        return Minor.CompareTo(other.Minor);
    }

    /// <summary>Invariant plain decimal: "12.50", "-3.00", "100" (JPY), "1.234" (KWD). For JSON and CSV.</summary>
    public string ToDecimalString() => MoneyFormatter.Plain(this, grouped: false);

    public override string ToString() => MoneyFormatter.Format(this, "en");

    private static Currency SameCurrency(Money left, Money right, string operation) =>
        left.Currency.Equals(right.Currency)
            ? left.Currency
            : throw new InvalidOperationException(string.Format(
                CultureInfo.InvariantCulture,
                "Cannot {0} {1} and {2}: money in different currencies is never converted silently.",
                operation, left.Currency.Code, right.Currency.Code));
}
