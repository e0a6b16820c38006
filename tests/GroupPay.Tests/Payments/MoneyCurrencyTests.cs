using GroupPay.Payments;

namespace GroupPay.Tests.Payments;

public class MoneyCurrencyTests
{
    [Theory]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("VND", 0)]
    [InlineData("CLP", 0)]
    [InlineData("ISK", 0)]
    [InlineData("PYG", 0)]
    [InlineData("UGX", 0)]
    [InlineData("XAF", 0)]
    [InlineData("XOF", 0)]
    [InlineData("XPF", 0)]
    [InlineData("KMF", 0)]
    [InlineData("GNF", 0)]
    [InlineData("RWF", 0)]
    [InlineData("VUV", 0)]
    [InlineData("DJF", 0)]
    [InlineData("BIF", 0)]
    [InlineData("UYI", 0)]
    [InlineData("EUR", 2)]
    [InlineData("USD", 2)]
    [InlineData("CNY", 2)]
    [InlineData("GBP", 2)]
    [InlineData("MGA", 2)]
    [InlineData("BHD", 3)]
    [InlineData("IQD", 3)]
    [InlineData("JOD", 3)]
    [InlineData("KWD", 3)]
    [InlineData("LYD", 3)]
    [InlineData("OMR", 3)]
    [InlineData("TND", 3)]
    [InlineData("CLF", 4)]
    [InlineData("UYW", 4)]
    public void Exponents_follow_iso_4217(string code, int exponent) =>
        Assert.Equal(exponent, Currency.Get(code).Exponent);

    [Fact]
    public void The_table_is_complete_and_well_formed()
    {
        Assert.True(Currency.All.Count >= 150, $"only {Currency.All.Count} currencies");
        Assert.All(Currency.All, c =>
        {
            Assert.Matches("^[A-Z]{3}$", c.Code);
            Assert.InRange(c.Exponent, 0, 4);
            Assert.False(string.IsNullOrWhiteSpace(c.Name));
        });
        Assert.Equal(Currency.All.Count, Currency.All.Select(c => c.Code).Distinct().Count());
        Assert.Equal(Currency.All.Select(c => c.Code).Order(StringComparer.Ordinal), Currency.All.Select(c => c.Code));
    }

    [Fact]
    public void Lookups_ignore_case_and_return_the_single_instance()
    {
        Assert.Same(Currency.Get("EUR"), Currency.Get("eur"));
        Assert.True(Currency.TryGet("Jpy", out var yen));
        Assert.Same(Currency.Get("JPY"), yen);
        Assert.Equal("EUR", Currency.Get("eur").ToString());
        Assert.Equal("Euro", Currency.Get("EUR").Name);
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("")]
    [InlineData("EURO")]
    [InlineData("HRK")]
    [InlineData("XAU")]
    public void Unknown_codes_are_refused(string code)
    {
        Assert.False(Currency.TryGet(code, out _));
        Assert.Throws<ArgumentException>(() => Currency.Get(code));
    }

    [Fact]
    public void Null_code_is_not_found() => Assert.False(Currency.TryGet(null, out _));

    [Theory]
    [InlineData("€", "USD", "EUR")]
    [InlineData("£", "USD", "GBP")]
    [InlineData("₹", "USD", "INR")]
    [InlineData("₩", "USD", "KRW")]
    [InlineData("₽", "USD", "RUB")]
    [InlineData("₺", "USD", "TRY")]
    [InlineData("₪", "USD", "ILS")]
    [InlineData("₴", "USD", "UAH")]
    [InlineData("₫", "USD", "VND")]
    [InlineData("฿", "USD", "THB")]
    [InlineData("₱", "USD", "PHP")]
    [InlineData("zł", "USD", "PLN")]
    [InlineData("$", "USD", "USD")]
    [InlineData("$", "CAD", "CAD")]
    [InlineData("$", "AUD", "AUD")]
    [InlineData("$", "NZD", "NZD")]
    [InlineData("$", "SGD", "SGD")]
    [InlineData("$", "HKD", "HKD")]
    [InlineData("$", "TWD", "TWD")]
    [InlineData("$", "MXN", "MXN")]
    [InlineData("$", "EUR", "USD")]
    [InlineData("¥", "CNY", "CNY")]
    [InlineData("¥", "JPY", "JPY")]
    [InlineData("¥", "EUR", "JPY")]
    [InlineData("￥", "CNY", "CNY")]
    [InlineData("￥", "USD", "JPY")]
    [InlineData("元", "USD", "CNY")]
    [InlineData("US$", "CAD", "USD")]
    [InlineData("us$", "CAD", "USD")]
    [InlineData("HK$", "USD", "HKD")]
    [InlineData("S$", "USD", "SGD")]
    [InlineData("A$", "USD", "AUD")]
    [InlineData("C$", "USD", "CAD")]
    [InlineData("NZ$", "USD", "NZD")]
    public void Symbols_resolve_with_the_chat_currency_as_a_hint(string symbol, string fallback, string expected)
    {
        Assert.True(Currency.TryFromSymbol(symbol, Currency.Get(fallback), out var currency));
        Assert.Same(Currency.Get(expected), currency);
    }

    [Theory]
    [InlineData("EUR")]
    [InlineData("")]
    [InlineData("#")]
    public void Non_symbols_are_not_resolved(string symbol) =>
        Assert.False(Currency.TryFromSymbol(symbol, Currency.Get("USD"), out _));
}
