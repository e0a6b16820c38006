using GroupPay.Payments;

namespace GroupPay.Tests.Payments;

public class MoneyTests
{
    [Theory]
    [InlineData("12", "EUR", "EUR", 1200)]
    [InlineData("12.5", "EUR", "EUR", 1250)]
    [InlineData("12.50", "EUR", "EUR", 1250)]
    [InlineData("12,50", "EUR", "EUR", 1250)]
    [InlineData("12,5", "EUR", "EUR", 1250)]
    [InlineData("0,50", "EUR", "EUR", 50)]
    [InlineData("0.01", "EUR", "EUR", 1)]
    [InlineData("007", "EUR", "EUR", 700)]
    [InlineData("  12.50  ", "EUR", "EUR", 1250)]
    [InlineData("€12.50", "USD", "EUR", 1250)]
    [InlineData("€ 12.50", "USD", "EUR", 1250)]
    [InlineData("12.50€", "USD", "EUR", 1250)]
    [InlineData("12.50 EUR", "USD", "EUR", 1250)]
    [InlineData("EUR 12.50", "USD", "EUR", 1250)]
    [InlineData("12.50eur", "USD", "EUR", 1250)]
    [InlineData("eur12.50", "USD", "EUR", 1250)]
    [InlineData("€12 EUR", "USD", "EUR", 1200)]
    [InlineData("£7.20", "EUR", "GBP", 720)]
    [InlineData("₹250", "EUR", "INR", 25000)]
    [InlineData("₩5000", "EUR", "KRW", 5000)]
    [InlineData("12.50 zł", "EUR", "PLN", 1250)]
    [InlineData("¥100", "EUR", "JPY", 100)]
    [InlineData("¥100", "CNY", "CNY", 10000)]
    [InlineData("￥100", "CNY", "CNY", 10000)]
    [InlineData("100元", "EUR", "CNY", 10000)]
    [InlineData("100 RMB", "EUR", "CNY", 10000)]
    [InlineData("$5", "CAD", "CAD", 500)]
    [InlineData("$5", "EUR", "USD", 500)]
    [InlineData("$12 CAD", "EUR", "CAD", 1200)]
    [InlineData("US$5", "CAD", "USD", 500)]
    [InlineData("HK$5", "USD", "HKD", 500)]
    [InlineData("S$5", "USD", "SGD", 500)]
    [InlineData("A$5", "USD", "AUD", 500)]
    [InlineData("C$5", "USD", "CAD", 500)]
    [InlineData("NZ$5", "USD", "NZD", 500)]
    [InlineData("1,234.50", "EUR", "EUR", 123450)]
    [InlineData("1,234,567.89", "EUR", "EUR", 123456789)]
    [InlineData("1,234", "EUR", "EUR", 123400)]
    [InlineData("12,345", "EUR", "EUR", 1234500)]
    [InlineData("1,234,567", "EUR", "EUR", 123456700)]
    [InlineData("100 JPY", "EUR", "JPY", 100)]
    [InlineData("1,234", "JPY", "JPY", 1234)]
    [InlineData("1,234,567 JPY", "EUR", "JPY", 1234567)]
    [InlineData("1.234 KWD", "EUR", "KWD", 1234)]
    [InlineData("1,234 KWD", "EUR", "KWD", 1234)]
    [InlineData("1,234.567 KWD", "EUR", "KWD", 1234567)]
    [InlineData("1.2345 CLF", "EUR", "CLF", 12345)]
    [InlineData("１２．５０", "EUR", "EUR", 1250)]
    [InlineData("10000000000000.00 EUR", "USD", "EUR", 1_000_000_000_000_000)]
    [InlineData("1000000000000000 JPY", "USD", "JPY", 1_000_000_000_000_000)]
    public void Accepted_forms_parse_to_exact_minor_units(string text, string fallback, string currency, long minor)
    {
        var result = MoneyParser.Parse(text, Currency.Get(fallback));

        Assert.True(result.Success, result.Error?.Message("en"));
        Assert.Equal(Money.FromMinor(minor, Currency.Get(currency)), result.Value.Value);
    }

    [Theory]
    [InlineData("", "EUR", MoneyErrorKind.Empty)]
    [InlineData("   ", "EUR", MoneyErrorKind.Empty)]
    [InlineData("12..5", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("1,23.50", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("1.234.567", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("1 234,50", "EUR", MoneyErrorKind.Malformed)]
    [InlineData(".5", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("12.", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("12,3456", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("1e5", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("--3", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("12-", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("12 #", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("EUR", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("abc", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("€12 USD", "EUR", MoneyErrorKind.Malformed)]
    [InlineData("$12 EUR", "USD", MoneyErrorKind.Malformed)]
    [InlineData("12 EUR USD", "USD", MoneyErrorKind.Malformed)]
    [InlineData("1,234,5", "EUR", MoneyErrorKind.Ambiguous)]
    [InlineData("12,34,56", "EUR", MoneyErrorKind.Ambiguous)]
    [InlineData("1.234,50", "EUR", MoneyErrorKind.Ambiguous)]
    [InlineData("-3", "EUR", MoneyErrorKind.Negative)]
    [InlineData("−3", "EUR", MoneyErrorKind.Negative)]
    [InlineData("-€3", "EUR", MoneyErrorKind.Negative)]
    [InlineData("€-3", "EUR", MoneyErrorKind.Negative)]
    [InlineData("EUR -3.50", "EUR", MoneyErrorKind.Negative)]
    [InlineData("0", "EUR", MoneyErrorKind.Zero)]
    [InlineData("0.00", "EUR", MoneyErrorKind.Zero)]
    [InlineData("-0", "EUR", MoneyErrorKind.Zero)]
    [InlineData("NaN", "EUR", MoneyErrorKind.NotANumber)]
    [InlineData("nan EUR", "EUR", MoneyErrorKind.NotANumber)]
    [InlineData("Infinity", "EUR", MoneyErrorKind.NotANumber)]
    [InlineData("-Infinity", "EUR", MoneyErrorKind.NotANumber)]
    [InlineData("∞", "EUR", MoneyErrorKind.NotANumber)]
    [InlineData("1.5 JPY", "EUR", MoneyErrorKind.TooManyDecimals)]
    [InlineData("100.5", "JPY", MoneyErrorKind.TooManyDecimals)]
    [InlineData("100.0", "JPY", MoneyErrorKind.TooManyDecimals)]
    [InlineData("12,50", "JPY", MoneyErrorKind.TooManyDecimals)]
    [InlineData("12.505", "EUR", MoneyErrorKind.TooManyDecimals)]
    [InlineData("0,500", "EUR", MoneyErrorKind.TooManyDecimals)]
    [InlineData("1.2345 KWD", "EUR", MoneyErrorKind.TooManyDecimals)]
    [InlineData("12 XYZ", "EUR", MoneyErrorKind.UnknownCurrency)]
    [InlineData("XYZ 12", "EUR", MoneyErrorKind.UnknownCurrency)]
    [InlineData("12 dollars", "EUR", MoneyErrorKind.UnknownCurrency)]
    [InlineData("12.50e", "EUR", MoneyErrorKind.UnknownCurrency)]
    [InlineData("10000000000000.01 EUR", "EUR", MoneyErrorKind.TooLarge)]
    [InlineData("1000000000000001", "JPY", MoneyErrorKind.TooLarge)]
    [InlineData("99999999999999999999999999999", "EUR", MoneyErrorKind.TooLarge)]
    [InlineData("9,223,372,036,854,775,808", "JPY", MoneyErrorKind.TooLarge)]
    public void Refused_forms_get_their_kind_and_a_message_quoting_the_input(string text, string fallback, MoneyErrorKind kind)
    {
        var result = MoneyParser.Parse(text, Currency.Get(fallback));

        Assert.False(result.Success);
        Assert.Equal(kind, result.Error.Kind);
        Assert.Equal(text.Trim(), result.Error.Input);
        var quoted = kind == MoneyErrorKind.Empty ? "" : $"“{text.Trim()}”";
        Assert.Contains(quoted, result.Error.Message("en"));
        Assert.Contains(quoted, result.Error.Message("zh"));
        Assert.Contains(quoted, result.Error.Message("zh-CN"));
    }

    [Fact]
    public void Null_text_is_empty()
    {
        var result = MoneyParser.Parse(null, Currency.Get("EUR"));

        Assert.False(result.Success);
        Assert.Equal(MoneyErrorKind.Empty, result.Error.Kind);
    }

    [Theory]
    [InlineData("12..5", "EUR", "en", "“12..5” is not an amount. Write it like 12.50 or 12,50.")]
    [InlineData("12..5", "EUR", "zh", "“12..5”不是有效金额。请写成 12.50 或 12,50。")]
    [InlineData("100.5", "JPY", "en", "“100.5” has more decimals than JPY allows (0). Try 100.")]
    [InlineData("100.5", "JPY", "zh-CN", "“100.5”的小数位超过了 JPY 允许的位数（0 位）。试试 100。")]
    [InlineData("12.505 EUR", "USD", "en", "“12.505 EUR” has more decimals than EUR allows (2). Try 12.50 EUR.")]
    [InlineData("1,234,5", "EUR", "en", "“1,234,5” is ambiguous: I can't tell which mark is the decimal point. Write it like 1234.50 or 1,234.50.")]
    [InlineData("-3", "EUR", "en", "“-3” is negative. Amounts must be above zero, like 12.50.")]
    [InlineData("12 XYZ", "EUR", "en", "“12 XYZ” names a currency I don't know. Use a code like EUR, USD or CNY.")]
    [InlineData("1 KWD", "KWD", "en", null)]
    [InlineData("1000000000000001", "JPY", "en", "“1000000000000001” is too large. The most is 1,000,000,000,000,000 JPY.")]
    [InlineData("1000000000000001", "JPY", "zh", "“1000000000000001”金额太大。最多 JPY 1,000,000,000,000,000。")]
    public void Messages_read_well(string text, string fallback, string language, string? expected)
    {
        var result = MoneyParser.Parse(text, Currency.Get(fallback));

        Assert.Equal(expected, result.Error?.Message(language));
    }

    [Fact]
    public void Examples_follow_the_currency_exponent()
    {
        var yen = MoneyParser.Parse("12..5", Currency.Get("JPY"));
        var dinar = MoneyParser.Parse("12..5", Currency.Get("KWD"));

        Assert.Equal("“12..5” is not an amount. Write it like 1250.", yen.Error?.Message("en"));
        Assert.Equal("“12..5” is not an amount. Write it like 12.500 or 12,500.", dinar.Error?.Message("en"));
    }

    [Fact]
    public void Unknown_currency_is_reported_against_the_fallback()
    {
        var result = MoneyParser.Parse("12 XYZ", Currency.Get("EUR"));

        Assert.Same(Currency.Get("EUR"), result.Error?.Currency);
    }

    [Theory]
    [InlineData(1250, "EUR", "12.50")]
    [InlineData(-300, "EUR", "-3.00")]
    [InlineData(5, "EUR", "0.05")]
    [InlineData(100, "JPY", "100")]
    [InlineData(1234, "KWD", "1.234")]
    [InlineData(123456789, "EUR", "1234567.89")]
    [InlineData(12345, "CLF", "1.2345")]
    [InlineData(long.MinValue, "EUR", "-92233720368547758.08")]
    public void Decimal_string_is_invariant_and_ungrouped(long minor, string currency, string expected) =>
        Assert.Equal(expected, Money.FromMinor(minor, Currency.Get(currency)).ToDecimalString());

    [Theory]
    [InlineData(123450, "EUR", "en", "1,234.50 EUR")]
    [InlineData(123450, "EUR", "zh", "EUR 1,234.50")]
    [InlineData(123450, "EUR", "zh-CN", "EUR 1,234.50")]
    [InlineData(5, "EUR", "en", "0.05 EUR")]
    [InlineData(1234567, "JPY", "en", "1,234,567 JPY")]
    [InlineData(999, "JPY", "en", "999 JPY")]
    [InlineData(1234, "KWD", "en", "1.234 KWD")]
    [InlineData(-123450, "EUR", "en", "-1,234.50 EUR")]
    public void Format_groups_thousands_and_names_the_code(long minor, string currency, string language, string expected) =>
        Assert.Equal(expected, MoneyFormatter.Format(Money.FromMinor(minor, Currency.Get(currency)), language));

    [Fact]
    public void ToString_is_the_english_format() =>
        Assert.Equal("12.50 EUR", Money.FromMinor(1250, Currency.Get("EUR")).ToString());

    [Fact]
    public void Arithmetic_in_one_currency_is_exact()
    {
        var eur = Currency.Get("EUR");
        var a = Money.FromMinor(1250, eur);
        var b = Money.FromMinor(750, eur);

        Assert.Equal(Money.FromMinor(2000, eur), a + b);
        Assert.Equal(Money.FromMinor(500, eur), a - b);
        Assert.Equal(Money.FromMinor(-1250, eur), -a);
        Assert.Equal(Money.FromMinor(-1250, eur), a.Negate());
        Assert.True(a > b);
        Assert.True(b < a);
        Assert.True(a >= Money.FromMinor(1250, eur));
        Assert.True(b <= a);
        Assert.True((b - a).IsNegative);
        Assert.True(Money.Zero(eur).IsZero);
        Assert.True(a.IsPositive);
    }

    [Fact]
    public void Arithmetic_refuses_mixed_currencies()
    {
        var euros = Money.FromMinor(100, Currency.Get("EUR"));
        var dollars = Money.FromMinor(100, Currency.Get("USD"));

        Assert.Throws<InvalidOperationException>(() => euros + dollars);
        Assert.Throws<InvalidOperationException>(() => euros - dollars);
        Assert.Throws<InvalidOperationException>(() => euros < dollars);
        Assert.Throws<InvalidOperationException>(() => euros.CompareTo(dollars));
        Assert.NotEqual(euros, dollars);
    }

    [Fact]
    public void Arithmetic_overflow_throws_instead_of_wrapping()
    {
        var eur = Currency.Get("EUR");

        Assert.Throws<OverflowException>(() => Money.FromMinor(long.MaxValue, eur) + Money.FromMinor(1, eur));
        Assert.Throws<OverflowException>(() => Money.FromMinor(long.MinValue, eur) - Money.FromMinor(1, eur));
        Assert.Throws<OverflowException>(() => -Money.FromMinor(long.MinValue, eur));
    }

    [Fact]
    public void Money_needs_a_currency() =>
        Assert.Throws<ArgumentNullException>(() => new Money(1, null!));
}
