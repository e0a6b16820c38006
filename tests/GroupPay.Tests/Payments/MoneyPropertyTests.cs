using GroupPay.Payments;

namespace GroupPay.Tests.Payments;

public class MoneyPropertyTests
{
    private static readonly Currency[] Currencies = [.. Currency.All];

    [Theory]
    [InlineData("en")]
    [InlineData("zh")]
    public void Parse_of_format_gives_back_the_same_money(string language)
    {
        var random = new Random(20240611);
        for (var i = 0; i < 10_000; i++)
        {
            var money = RandomMoney(random);
            var otherFallback = OtherCurrency(random, money.Currency);
            var text = MoneyFormatter.Format(money, language);

            var result = MoneyParser.Parse(text, otherFallback);

            Assert.True(result.Success, $"“{text}” with fallback {otherFallback}: {result.Error?.Message("en")}");
            Assert.Equal(money, result.Value.Value);
        }
    }

    [Fact]
    public void Parse_of_decimal_string_in_the_chat_currency_gives_back_the_same_money()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var money = RandomMoney(random);
            var text = money.ToDecimalString();

            var result = MoneyParser.Parse(text, money.Currency);

            Assert.True(result.Success, $"“{text}” in {money.Currency}: {result.Error?.Message("en")}");
            Assert.Equal(money, result.Value.Value);
        }
    }

    [Fact]
    public void Parse_never_throws_and_always_explains_itself()
    {
        const string alphabet = "0123456789,.-€$¥ EURe";
        var random = new Random(424242);
        for (var i = 0; i < 10_000; i++)
        {
            var chars = new char[random.Next(0, 14)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            var fallback = Currencies[random.Next(Currencies.Length)];

            MoneyParseResult result;
            try
            {
                result = MoneyParser.Parse(text, fallback);
            }
            catch (Exception exception)
            {
                Assert.Fail($"Parse(“{text}”, {fallback}) threw {exception}");
                throw;
            }

            if (result.Success)
            {
                Assert.InRange(result.Value.Value.Minor, 1, MoneyParser.MaxMinor);
            }
            else
            {
                Assert.Contains(text.Trim(), result.Error.Message("en"));
                Assert.Contains(text.Trim(), result.Error.Message("zh"));
            }
        }
    }

    private static Money RandomMoney(Random random)
    {
        var currency = Currencies[random.Next(Currencies.Length)];
        // Spread over magnitudes so small, grouped and maximal amounts all occur.
        var digits = random.Next(1, 17);
        var upper = Math.Min(MoneyParser.MaxMinor, (long)Math.Pow(10, digits));
        return Money.FromMinor(random.NextInt64(1, upper + 1), currency);
    }

    private static Currency OtherCurrency(Random random, Currency not)
    {
        while (true)
        {
            var candidate = Currencies[random.Next(Currencies.Length)];
            if (!candidate.Equals(not))
            {
                return candidate;
            }
        }
    }
}
