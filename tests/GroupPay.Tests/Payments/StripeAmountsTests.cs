using GroupPay.Payments;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.Stripe;

namespace GroupPay.Tests.Payments;

public sealed class StripeAmountsTests
{
    private static Money M(long minor, string code) => Money.FromMinor(minor, Currency.Get(code));

    [Theory]
    [InlineData(1234, "EUR", 1234)]
    [InlineData(1500, "JPY", 1500)]
    [InlineData(5120, "KWD", 5120)]
    [InlineData(1500, "ISK", 150000)]
    public void Amounts_are_sent_in_Stripes_units(long minor, string code, long expected)
    {
        Assert.True(StripeAmounts.TryToStripe(M(minor, code), out var units));
        Assert.Equal(expected, units);
        Assert.Equal(M(minor, code), StripeAmounts.FromStripe(units, Currency.Get(code)));
    }

    [Fact]
    public void A_three_decimal_amount_not_ending_in_0_is_refused_not_rounded()
    {
        Assert.False(StripeAmounts.TryToStripe(M(5125, "KWD"), out _));
        Assert.Equal(RefusalKind.NotRepresentable, new StripeProvider(new StripeSettings("sk_test_x", [], null), new HttpClient(), TimeProvider.System)
            .Capabilities.Check(M(5125, "KWD"))!.Kind);
    }

    [Fact]
    public void Amounts_below_the_published_minimum_are_refused_with_it()
    {
        var capabilities = new StripeProvider(new StripeSettings("sk_test_x", [], null), new HttpClient(), TimeProvider.System).Capabilities;

        var refusal = capabilities.Check(M(49, "EUR"));

        Assert.Equal(new PaymentRefusal(RefusalKind.BelowMinimum, M(50, "EUR")), refusal);
        Assert.Null(capabilities.Check(M(50, "EUR")));
        Assert.Equal(M(50, "JPY"), StripeAmounts.Minimum(Currency.Get("JPY")));
        Assert.True(capabilities.ConfirmsAutomatically);
    }

    [Theory]
    [InlineData("open", "unpaid", PaymentState.Open)]
    [InlineData("complete", "paid", PaymentState.Succeeded)]
    [InlineData("complete", "unpaid", PaymentState.Processing)]
    [InlineData("expired", "unpaid", PaymentState.Expired)]
    public void Only_a_complete_and_paid_session_is_paid(string status, string paymentStatus, PaymentState expected) =>
        Assert.Equal(expected, StripeProvider.StateOf(status, paymentStatus));
}
