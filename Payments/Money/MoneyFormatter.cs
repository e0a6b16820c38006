using System.Globalization;
using System.Text;

namespace GroupPay.Payments;

/// <summary>
/// Renders money for people. Both layouts use the ISO code rather than a symbol, so that
/// <c>MoneyParser.Parse(Format(m, language), anyFallback)</c> gives back <c>m</c> for every amount the
/// parser accepts: English "1,234.50 EUR", Chinese "EUR 1,234.50" (the order Chinese bank apps use).
/// </summary>
public static class MoneyFormatter
{
    public static string Format(Money money, string language)
    {
        var amount = Plain(money, grouped: true);
        return IsChinese(language) ? $"{money.Currency.Code} {amount}" : $"{amount} {money.Currency.Code}";
    }

    internal static bool IsChinese(string? language) =>
        language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    internal static string Plain(Money money, bool grouped)
    {
        var exponent = money.Currency.Exponent;
        var magnitude = money.Minor < 0 ? (ulong)-(money.Minor + 1) + 1 : (ulong)money.Minor;
        var scale = Pow10(exponent);
        var whole = (magnitude / scale).ToString(CultureInfo.InvariantCulture);

        var text = new StringBuilder(whole.Length + exponent + 8);
        if (money.Minor < 0)
        {
            text.Append('-');
        }

        for (var i = 0; i < whole.Length; i++)
        {
            if (grouped && i > 0 && (whole.Length - i) % 3 == 0)
            {
                text.Append(',');
            }

            text.Append(whole[i]);
        }

        if (exponent > 0)
        {
            text.Append('.').Append((magnitude % scale).ToString(CultureInfo.InvariantCulture).PadLeft(exponent, '0'));
        }

        return text.ToString();
    }

    private static ulong Pow10(int exponent)
    {
        ulong result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
