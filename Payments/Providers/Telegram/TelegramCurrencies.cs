using System.Collections.Frozen;

namespace GroupPay.Payments.Providers.Telegram;

/// <summary>
/// The currencies Telegram invoices take, with Telegram's own <c>exp</c> (digits after the decimal point) and the
/// smallest and largest <c>total_amount</c> it accepts, in Telegram's units (payments.md §2.3). The values are those of
/// the Bot API's <c>currencies.json</c> as of its 2022-10-06 snapshot; Telegram moves the limits with exchange rates, so
/// they are a guard against certain refusals, not a promise. KWD, BHD and other three-decimal currencies are not in the
/// list; neither is Telegram Stars (<c>XTR</c>), which is for digital goods, not for debts between people.
/// </summary>
public static class TelegramCurrencies
{
    /// <summary>One currency as Telegram charges it: amounts in units of 10^-<paramref name="Exp"/>.</summary>
    public sealed record Limits(string Code, int Exp, long MinAmount, long MaxAmount);

    private static readonly FrozenDictionary<string, Limits> Table = new Limits[]
    {
        new("AED", 2, 367, 3673200), new("AFN", 2, 7554, 75540495), new("ALL", 2, 10908, 109085036), new("AMD", 2, 48398, 483984962),
        new("ARS", 2, 3720, 37202998), new("AUD", 2, 139, 1392750), new("AZN", 2, 170, 1702500), new("BAM", 2, 171, 1715550),
        new("BDT", 2, 8336, 83367500), new("BGN", 2, 171, 1716850), new("BND", 2, 134, 1349850), new("BOB", 2, 687, 6877150),
        new("BRL", 2, 377, 3775397), new("CAD", 2, 132, 1321950), new("CHF", 2, 99, 993220), new("CLP", 0, 666, 6665199),
        new("CNY", 2, 674, 6747298), new("COP", 2, 315595, 3155950000), new("CRC", 2, 60113, 601130282), new("CZK", 2, 2251, 22510978),
        new("DKK", 2, 654, 6545403), new("DOP", 2, 5032, 50329504), new("DZD", 2, 11872, 118729869), new("EGP", 2, 1791, 17912012),
        new("EUR", 2, 87, 877155), new("GBP", 2, 75, 757605), new("GEL", 2, 266, 2663750), new("GTQ", 2, 768, 7689850),
        new("HKD", 2, 784, 7845505), new("HNL", 2, 2427, 24277502), new("HUF", 2, 27844, 278440341), new("IDR", 2, 1406555, 14065550000),
        new("ILS", 2, 366, 3668230), new("INR", 2, 7090, 70900503), new("ISK", 0, 119, 1195599), new("JMD", 2, 13153, 131539958),
        new("JPY", 0, 109, 1095549), new("KES", 2, 10032, 100322011), new("KGS", 2, 6982, 69820300), new("KRW", 0, 1119, 11190001),
        new("KZT", 2, 37767, 377674954), new("LBP", 2, 150080, 1500802255), new("LKR", 2, 18078, 180789638), new("MAD", 2, 955, 9554850),
        new("MDL", 2, 1703, 17038967), new("MNT", 2, 261750, 2617500000), new("MUR", 2, 3438, 34384499), new("MVR", 2, 1550, 15501063),
        new("MXN", 2, 1898, 18988704), new("MYR", 2, 412, 4124501), new("MZN", 2, 6188, 61889913), new("NGN", 2, 36174, 361749532),
        new("NIO", 2, 3241, 32415503), new("NOK", 2, 851, 8510100), new("NPR", 2, 11299, 112995016), new("NZD", 2, 146, 1461850),
        new("PAB", 2, 99, 995290), new("PEN", 2, 333, 3331250), new("PHP", 2, 5260, 52602981), new("PKR", 2, 13921, 139214990),
        new("PLN", 2, 376, 3764026), new("PYG", 0, 6013, 60134502), new("QAR", 2, 364, 3641101), new("RON", 2, 417, 4172003),
        new("RSD", 2, 10391, 103910127), new("RUB", 2, 6598, 65986027), new("SAR", 2, 373, 3732650), new("SEK", 2, 904, 9047896),
        new("SGD", 2, 135, 1353897), new("THB", 2, 3156, 31563499), new("TJS", 2, 938, 9389950), new("TRY", 2, 526, 5267200),
        new("TTD", 2, 675, 6757850), new("TWD", 2, 3072, 30722993), new("TZS", 2, 230200, 2302000188), new("UAH", 2, 2764, 27648991),
        new("UGX", 0, 3657, 36575502), new("USD", 2, 100, 1000000), new("UYU", 2, 3246, 32469503), new("UZS", 2, 832759, 8327599915),
        new("VND", 0, 23084, 230840500), new("YER", 2, 25030, 250301249), new("ZAR", 2, 1362, 13620106),
    }.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>The codes Telegram takes that GroupPay also knows (it keeps no withdrawn codes such as HRK).</summary>
    public static IReadOnlySet<string> Codes { get; } = Table.Keys.Where(code => Currency.TryGet(code, out _)).ToFrozenSet(StringComparer.Ordinal);

    public static Limits? Find(string code) => Table.GetValueOrDefault(code);

    /// <summary>
    /// An amount in Telegram's units for its currency, or null when Telegram cannot express it exactly (its <c>exp</c>
    /// has fewer digits than the ISO minor unit and the amount uses them). Equal exponents, the usual case, give the
    /// minor units unchanged.
    /// </summary>
    public static long? ToTelegram(Money amount)
    {
        if (Find(amount.Currency.Code) is not { } limits)
        {
            return null;
        }

        var shift = limits.Exp - amount.Currency.Exponent;
        if (shift >= 0)
        {
            return checked(amount.Minor * Pow10(shift));
        }

        var divisor = Pow10(-shift);
        return amount.Minor % divisor == 0 ? amount.Minor / divisor : null;
    }

    /// <summary>Telegram's units back to the currency's minor units; null when they do not convert exactly.</summary>
    public static Money? FromTelegram(long units, Currency currency)
    {
        if (Find(currency.Code) is not { } limits)
        {
            return null;
        }

        var shift = currency.Exponent - limits.Exp;
        if (shift >= 0)
        {
            return Money.FromMinor(checked(units * Pow10(shift)), currency);
        }

        var divisor = Pow10(-shift);
        return units % divisor == 0 ? Money.FromMinor(units / divisor, currency) : null;
    }

    /// <summary>Telegram's smallest charge in a currency, in its minor units (rounded up where the units differ).</summary>
    public static Money? Minimum(Currency currency) => Bound(currency, l => l.MinAmount, roundUp: true);

    /// <summary>Telegram's largest charge in a currency, in its minor units (rounded down where the units differ).</summary>
    public static Money? Maximum(Currency currency) => Bound(currency, l => l.MaxAmount, roundUp: false);

    private static Money? Bound(Currency currency, Func<Limits, long> pick, bool roundUp)
    {
        if (Find(currency.Code) is not { } limits)
        {
            return null;
        }

        var units = pick(limits);
        var shift = currency.Exponent - limits.Exp;
        if (shift >= 0)
        {
            return Money.FromMinor(checked(units * Pow10(shift)), currency);
        }

        var divisor = Pow10(-shift);
        var minor = units / divisor + (roundUp && units % divisor != 0 ? 1 : 0);
        return Money.FromMinor(minor, currency);
    }

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result = checked(result * 10);
        }

        return result;
    }
}
