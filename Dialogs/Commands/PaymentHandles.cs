using System.Text.RegularExpressions;

namespace GroupPay.Dialogs.Commands;

/// <summary>Checks and normalises the handle of <c>/payme</c>, so a typo is caught when it is registered, not when someone tries to pay.</summary>
internal static partial class PaymentHandles
{
    public static string? Normalize(PayMeKind kind, string text) => kind switch
    {
        PayMeKind.PayPal => Match(PayPalName(), StripPrefixes(text, "https://", "http://", "www.", "paypal.me/")),
        PayMeKind.Revolut => Match(RevolutTag(), StripPrefixes(text, "https://", "http://", "www.", "revolut.me/", "@")),
        PayMeKind.Upi => Match(UpiAddress(), text),
        PayMeKind.Iban => Iban(text),
        _ => null,
    };

    private static string? Match(Regex pattern, string text) => pattern.IsMatch(text) ? text : null;

    private static string StripPrefixes(string text, params string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[prefix.Length..];
            }
        }
        return text;
    }

    private static string? Iban(string text)
    {
        var compact = text.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (!IbanShape().IsMatch(compact))
        {
            return null;
        }

        // ISO 13616: move the country and check digits to the end, read letters as 10..35, the number mod 97 must be 1.
        var remainder = 0;
        foreach (var c in compact[4..] + compact[..4])
        {
            remainder = char.IsAsciiDigit(c)
                ? (remainder * 10 + (c - '0')) % 97
                : (remainder * 100 + (c - 'A' + 10)) % 97;
        }
        return remainder == 1 ? compact : null;
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,20}$")]
    private static partial Regex PayPalName();

    [GeneratedRegex("^[A-Za-z0-9_]{3,32}$")]
    private static partial Regex RevolutTag();

    [GeneratedRegex("^[A-Za-z0-9._-]{2,64}@[A-Za-z][A-Za-z0-9]{1,63}$")]
    private static partial Regex UpiAddress();

    [GeneratedRegex("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")]
    private static partial Regex IbanShape();
}
