using System.Buffers;
using System.Text;

namespace GroupPay.Payments;

/// <summary>
/// Reads an amount as a user typed it in chat. Never throws on any input text.
/// </summary>
/// <remarks>
/// <para>Accepted: digits with an optional decimal part, and an optional currency code or symbol before
/// or after, with or without a space: "12", "12.5", "12,50", "€12.50", "12.50€", "12.50 EUR",
/// "EUR 12.50", "12.50eur", "¥100", "US$5", "1,234.50". A code and a symbol must agree ("$12 USD" is
/// fine, "€12 USD" is malformed). Full-width digits and marks from Chinese and Japanese input methods
/// are read as their ASCII forms. Without a code or symbol the amount is in <c>fallback</c>.</para>
/// <para>Separators, decided so that no amount can be read two ways:</para>
/// <list type="bullet">
/// <item>A dot is always the decimal point; there is at most one, and commas may only come before it, in
/// proper groups of three ("1,234.50"; "1,23.50" is malformed, "1.234,50" ambiguous).</item>
/// <item>Without a dot, a single comma followed by 1 or 2 digits is the decimal point ("12,50").</item>
/// <item>A single comma followed by exactly 3 digits is a thousands separator when the currency has fewer
/// than 3 decimals and the part before it is a proper group ("1,234" EUR = 1234.00, "1,234" JPY = 1234),
/// and the decimal point otherwise ("1,234" KWD = 1.234; "0,500" EUR has too many decimals).</item>
/// <item>Several commas without a dot must all be thousands separators ("1,234,567"); anything else,
/// such as "1,234,5", is ambiguous.</item>
/// <item>Spaces and dots never group digits: "1 234,50" and "1.234.567" are malformed. A leading or
/// trailing mark (".5", "12.") is malformed too.</item>
/// </list>
/// <para>Amounts must be above zero, have no more decimals than the currency's ISO 4217 exponent
/// (trailing zeros included: "100.0" JPY is refused) and be at most <see cref="MaxMinor"/> minor units.</para>
/// </remarks>
public static class MoneyParser
{
    /// <summary>The largest amount accepted, in minor units (10^15).</summary>
    public const long MaxMinor = 1_000_000_000_000_000;

    private const int MaxDigits = 16;

    private static readonly SearchValues<char> NumberChars = SearchValues.Create("0123456789.,");

    private static readonly string[] NotANumberWords = ["nan", "inf", "infinity", "∞"];

    public static MoneyParseResult Parse(string? text, Currency fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        var input = text?.Trim() ?? "";
        if (input.Length == 0)
        {
            return MoneyParseResult.Fail(MoneyErrorKind.Empty, input, fallback);
        }

        var normal = ToAscii(input);
        var start = normal.AsSpan().IndexOfAny(NumberChars);
        if (start < 0)
        {
            var kind = NamesNotANumber(normal) ? MoneyErrorKind.NotANumber : MoneyErrorKind.Malformed;
            return MoneyParseResult.Fail(kind, input, fallback);
        }

        var end = normal.AsSpan().LastIndexOfAny(NumberChars);
        var before = normal[..start].Trim();
        var body = normal[start..(end + 1)];
        var after = normal[(end + 1)..].Trim();

        var negative = false;
        if (before.StartsWith('-'))
        {
            negative = true;
            before = before[1..].TrimStart();
        }
        else if (before.EndsWith('-'))
        {
            negative = true;
            before = before[..^1].TrimEnd();
        }

        var currencyError = ResolveCurrency(before, after, fallback, out var currency);
        if (currencyError is { } currencyKind)
        {
            return MoneyParseResult.Fail(currencyKind, input, fallback);
        }

        var numberError = SplitNumber(body, currency.Exponent, out var whole, out var fraction);
        if (numberError is { } numberKind)
        {
            return MoneyParseResult.Fail(numberKind, input, currency);
        }

        if (fraction.Length > currency.Exponent)
        {
            return MoneyParseResult.Fail(MoneyErrorKind.TooManyDecimals, input, currency);
        }

        whole = whole.TrimStart('0');
        if (whole.Length + currency.Exponent > MaxDigits)
        {
            return MoneyParseResult.Fail(MoneyErrorKind.TooLarge, input, currency);
        }

        // At most 16 digits, so this stays below 10^16 and cannot overflow a long.
        long minor = 0;
        foreach (var digit in whole)
        {
            minor = (minor * 10) + (digit - '0');
        }

        for (var i = 0; i < currency.Exponent; i++)
        {
            minor = (minor * 10) + (i < fraction.Length ? fraction[i] - '0' : 0);
        }

        if (minor > MaxMinor)
        {
            return MoneyParseResult.Fail(MoneyErrorKind.TooLarge, input, currency);
        }

        if (minor == 0)
        {
            return MoneyParseResult.Fail(MoneyErrorKind.Zero, input, currency);
        }

        return negative
            ? MoneyParseResult.Fail(MoneyErrorKind.Negative, input, currency)
            : MoneyParseResult.Ok(Money.FromMinor(minor, currency));
    }

    /// <summary>
    /// Maps full-width forms (from CJK input methods), other spaces and the minus sign to ASCII, one
    /// character for one, so indices still line up with what the user typed.
    /// </summary>
    private static string ToAscii(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' or '\u00A0' or '\u2007' or '\u202F' => ' ',
                '\u2212' => '-',
                '\uFFE1' => '£',
                '\uFFE6' => '₩',
                _ => c,
            });
        }

        return result.ToString();
    }

    private static bool NamesNotANumber(string text)
    {
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var word = new string(token.Where(c => char.IsLetter(c) || c == '∞').ToArray()).ToLowerInvariant();
            if (NotANumberWords.Contains(word))
            {
                return true;
            }
        }

        return false;
    }

    private static MoneyErrorKind? ResolveCurrency(string before, string after, Currency fallback, out Currency currency)
    {
        currency = fallback;
        var tokens = $"{before} {after}".Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        Currency? coded = null;
        var symbols = new List<string>();
        var unknown = false;
        foreach (var token in tokens)
        {
            if (token.Length == 3 && token.All(char.IsAsciiLetter) && Currency.TryGet(token, out var byCode))
            {
                if (coded is not null && !coded.Equals(byCode))
                {
                    return MoneyErrorKind.Malformed;
                }

                coded = byCode;
            }
            else if (Currency.TryFromSymbol(token, fallback, out _))
            {
                symbols.Add(token);
            }
            else if (token.All(char.IsLetter))
            {
                unknown = true;
            }
            else
            {
                return MoneyErrorKind.Malformed;
            }
        }

        if (unknown)
        {
            return MoneyErrorKind.UnknownCurrency;
        }

        Currency? named = coded;
        foreach (var symbol in symbols)
        {
            // A code settles what "$" or "¥" means: "$12 CAD" is Canadian dollars.
            _ = Currency.TryFromSymbol(symbol, coded ?? fallback, out var bySymbol);
            if (named is not null && !named.Equals(bySymbol))
            {
                return MoneyErrorKind.Malformed;
            }

            named = bySymbol;
        }

        currency = named ?? fallback;
        return null;
    }

    private static MoneyErrorKind? SplitNumber(string body, int exponent, out string whole, out string fraction)
    {
        whole = body;
        fraction = "";
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (!char.IsAsciiDigit(c) && c is not ('.' or ','))
            {
                return MoneyErrorKind.Malformed;
            }

            if (!char.IsAsciiDigit(c) && (i == 0 || i == body.Length - 1 || !char.IsAsciiDigit(body[i - 1])))
            {
                return MoneyErrorKind.Malformed;
            }
        }

        var dot = body.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            if (body.IndexOf('.', dot + 1) >= 0)
            {
                return MoneyErrorKind.Malformed;
            }

            if (body.IndexOf(',', dot + 1) >= 0)
            {
                return MoneyErrorKind.Ambiguous;
            }

            var integerPart = body[..dot];
            if (integerPart.Contains(',', StringComparison.Ordinal) && !IsGroupedInThrees(integerPart))
            {
                return MoneyErrorKind.Malformed;
            }

            whole = integerPart.Replace(",", "", StringComparison.Ordinal);
            fraction = body[(dot + 1)..];
            return null;
        }

        var commas = body.Count(c => c == ',');
        if (commas == 0)
        {
            return null;
        }

        if (commas > 1)
        {
            whole = body.Replace(",", "", StringComparison.Ordinal);
            return IsGroupedInThrees(body) ? null : MoneyErrorKind.Ambiguous;
        }

        var comma = body.IndexOf(',', StringComparison.Ordinal);
        var digitsAfter = body.Length - comma - 1;
        if (digitsAfter > 3)
        {
            return MoneyErrorKind.Malformed;
        }

        if (digitsAfter == 3 && exponent < 3 && IsGroupedInThrees(body))
        {
            whole = body.Replace(",", "", StringComparison.Ordinal);
            return null;
        }

        whole = body[..comma];
        fraction = body[(comma + 1)..];
        return null;
    }

    /// <summary>"1,234,567": a first group of 1–3 digits not starting with 0, then groups of exactly 3.</summary>
    private static bool IsGroupedInThrees(string digits)
    {
        var groups = digits.Split(',');
        return groups[0].Length is >= 1 and <= 3
            && groups[0][0] != '0'
            && groups.Skip(1).All(g => g.Length == 3);
    }
}
