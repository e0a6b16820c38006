using System.Collections.Frozen;

namespace GroupPay.Payments.Providers.Stripe;

/// <summary>
/// Stripe's own minor units, which differ from ISO 4217 in places (payments.md §1.8, stripe.com/docs/currencies):
/// zero-decimal currencies are sent as whole units; BHD, JOD, KWD, OMR and TND as three decimals whose last digit
/// must be 0; every other currency as two decimals (so ISK, ISO exponent 0, is sent ×100). An amount that cannot be
/// sent exactly is refused, never rounded: the ledger must match what was charged.
/// </summary>
public static class StripeAmounts
{
    private static readonly FrozenSet<string> ZeroDecimal = new[]
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    }.ToFrozenSet();

    private static readonly FrozenSet<string> ThreeDecimal = new[] { "BHD", "JOD", "KWD", "OMR", "TND" }.ToFrozenSet();

    /// <summary>
    /// Stripe's published minimum charge per settlement currency, in Stripe units (stripe.com/docs/currencies,
    /// "Minimum and maximum charge amounts"). Other currencies must convert to at least USD 0.50; Stripe itself
    /// refuses those with <c>amount_too_small</c>, which the provider reports the same way.
    /// </summary>
    private static readonly FrozenDictionary<string, long> Minimums = new Dictionary<string, long>
    {
        ["USD"] = 50, ["AED"] = 200, ["AUD"] = 50, ["BGN"] = 100, ["BRL"] = 50, ["CAD"] = 50, ["CHF"] = 50, ["CZK"] = 1500,
        ["DKK"] = 250, ["EUR"] = 50, ["GBP"] = 30, ["HKD"] = 400, ["HUF"] = 17500, ["INR"] = 50, ["JPY"] = 50, ["MXN"] = 1000,
        ["MYR"] = 200, ["NOK"] = 300, ["NZD"] = 50, ["PLN"] = 200, ["RON"] = 200, ["SEK"] = 300, ["SGD"] = 50, ["THB"] = 1000,
    }.ToFrozenDictionary();

    public static int Exponent(Currency currency) =>
        ZeroDecimal.Contains(currency.Code) ? 0 : ThreeDecimal.Contains(currency.Code) ? 3 : 2;

    /// <summary>The amount in Stripe units, or false when Stripe cannot charge it exactly.</summary>
    public static bool TryToStripe(Money amount, out long units)
    {
        units = 0;
        var stripe = Exponent(amount.Currency);
        var iso = amount.Currency.Exponent;
        if (stripe >= iso)
        {
            units = checked(amount.Minor * Pow10(stripe - iso));
        }
        else if (amount.Minor % Pow10(iso - stripe) == 0)
        {
            units = amount.Minor / Pow10(iso - stripe);
        }
        else
        {
            return false;
        }

        return !ThreeDecimal.Contains(amount.Currency.Code) || units % 10 == 0;
    }

    public static bool IsRepresentable(Money amount) => TryToStripe(amount, out _);

    /// <summary>Stripe units back to our minor units; null when they do not map exactly.</summary>
    public static Money? FromStripe(long units, Currency currency)
    {
        var stripe = Exponent(currency);
        var iso = currency.Exponent;
        if (iso >= stripe)
        {
            return Money.FromMinor(checked(units * Pow10(iso - stripe)), currency);
        }

        return units % Pow10(stripe - iso) == 0 ? Money.FromMinor(units / Pow10(stripe - iso), currency) : null;
    }

    public static Money? Minimum(Currency currency) =>
        Minimums.TryGetValue(currency.Code, out var units) ? FromStripe(units, currency) : null;

    private static long Pow10(int exponent)
    {
        long value = 1;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}
