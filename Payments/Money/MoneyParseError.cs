namespace GroupPay.Payments;

/// <summary>
/// Why an amount was refused. <see cref="Input"/> is the text as the user typed it (trimmed);
/// <see cref="Currency"/> is the currency it named, or the chat's currency when it named none.
/// </summary>
public sealed record MoneyParseError(MoneyErrorKind Kind, string Input, Currency Currency)
{
    /// <summary>A short reply that quotes the input and shows a valid example, in "en" or "zh"/"zh-CN".</summary>
    public string Message(string language)
    {
        var example = Example(Currency);
        var alternative = Currency.Exponent is > 0 and <= 3 ? example.Replace('.', ',') : null;
        if (MoneyFormatter.IsChinese(language))
        {
            return Kind switch
            {
                MoneyErrorKind.Empty => $"没有填写金额。请写成 {example} 这样的格式。",
                MoneyErrorKind.Malformed => alternative is null
                    ? $"“{Input}”不是有效金额。请写成 {example} 这样的格式。"
                    : $"“{Input}”不是有效金额。请写成 {example} 或 {alternative}。",
                MoneyErrorKind.Ambiguous => $"“{Input}”有歧义，看不出哪个是小数点。请写成 {Large(Currency, grouped: false)} 或 {Large(Currency, grouped: true)}。",
                MoneyErrorKind.Negative => $"“{Input}”是负数。金额必须大于零，例如 {example}。",
                MoneyErrorKind.Zero => $"“{Input}”是零。金额必须大于零，例如 {example}。",
                MoneyErrorKind.NotANumber => $"“{Input}”不是数字。请写成 {example} 这样的格式。",
                MoneyErrorKind.TooManyDecimals =>
                    $"“{Input}”的小数位超过了 {Currency.Code} 允许的位数（{Currency.Exponent} 位）。试试 {Truncated()}。",
                MoneyErrorKind.UnknownCurrency => $"“{Input}”中的货币无法识别。请使用 EUR、USD、CNY 这样的货币代码。",
                MoneyErrorKind.TooLarge =>
                    $"“{Input}”金额太大。最多 {MoneyFormatter.Format(Largest(Currency), language)}。",
                _ => $"“{Input}”不是有效金额。请写成 {example} 这样的格式。",
            };
        }

        return Kind switch
        {
            MoneyErrorKind.Empty => $"No amount given. Write it like {example}.",
            MoneyErrorKind.Malformed => alternative is null
                ? $"“{Input}” is not an amount. Write it like {example}."
                : $"“{Input}” is not an amount. Write it like {example} or {alternative}.",
            MoneyErrorKind.Ambiguous =>
                $"“{Input}” is ambiguous: I can't tell which mark is the decimal point. Write it like {Large(Currency, grouped: false)} or {Large(Currency, grouped: true)}.",
            MoneyErrorKind.Negative => $"“{Input}” is negative. Amounts must be above zero, like {example}.",
            MoneyErrorKind.Zero => $"“{Input}” is zero. Amounts must be above zero, like {example}.",
            MoneyErrorKind.NotANumber => $"“{Input}” is not a number. Write it like {example}.",
            MoneyErrorKind.TooManyDecimals =>
                $"“{Input}” has more decimals than {Currency.Code} allows ({Currency.Exponent}). Try {Truncated()}.",
            MoneyErrorKind.UnknownCurrency => $"“{Input}” names a currency I don't know. Use a code like EUR, USD or CNY.",
            MoneyErrorKind.TooLarge =>
                $"“{Input}” is too large. The most is {MoneyFormatter.Format(Largest(Currency), language)}.",
            _ => $"“{Input}” is not an amount. Write it like {example}.",
        };
    }

    private static string Example(Currency currency) =>
        currency.Exponent == 0 ? "1250" : "12." + "50".PadRight(currency.Exponent, '0');

    private static string Large(Currency currency, bool grouped) =>
        (grouped ? "1,234" : "1234") + (currency.Exponent == 0 ? "" : "." + "50".PadRight(currency.Exponent, '0'));

    private static Money Largest(Currency currency) => Money.FromMinor(MoneyParser.MaxMinor, currency);

    /// <summary>The input with the digits the currency cannot hold cut off: "100.5" in JPY becomes "100".</summary>
    private string Truncated()
    {
        var separator = Input.LastIndexOfAny(['.', ',', '．', '，']);
        if (separator < 0)
        {
            return Example(Currency);
        }

        var end = separator + 1;
        while (end < Input.Length && char.IsDigit(Input[end]))
        {
            end++;
        }

        var keep = Currency.Exponent == 0 ? separator : separator + 1 + Math.Min(Currency.Exponent, end - separator - 1);
        return string.Concat(Input.AsSpan(0, keep), Input.AsSpan(end)).Trim();
    }
}
