using GroupPay.Payments;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.Telegram;

namespace GroupPay.Tests.Payments;

public sealed class TelegramInvoiceRulesTests
{
    private static Money M(long minor, string code) => Money.FromMinor(minor, Currency.Get(code));

    [Fact]
    public void Every_currency_Telegram_takes_has_the_ISO_exponent_so_minor_units_pass_unchanged()
    {
        Assert.NotEmpty(TelegramCurrencies.Codes);
        foreach (var code in TelegramCurrencies.Codes)
        {
            var currency = Currency.Get(code);
            Assert.Equal(currency.Exponent, TelegramCurrencies.Find(code)!.Exp);
            Assert.Equal(12345, TelegramCurrencies.ToTelegram(M(12345, code)));
            Assert.Equal(M(12345, code), TelegramCurrencies.FromTelegram(12345, currency));
        }
    }

    [Theory]
    [InlineData("EUR", 87, 877155)]
    [InlineData("USD", 100, 1000000)]
    [InlineData("JPY", 109, 1095549)]
    [InlineData("ISK", 119, 1195599)]
    public void Limits_are_Telegrams_in_minor_units(string code, long min, long max)
    {
        Assert.Equal(M(min, code), TelegramCurrencies.Minimum(Currency.Get(code)));
        Assert.Equal(M(max, code), TelegramCurrencies.Maximum(Currency.Get(code)));
    }

    [Theory]
    [InlineData("KWD")]
    [InlineData("BHD")]
    [InlineData("XTS")]
    public void Currencies_outside_Telegrams_list_are_refused(string code)
    {
        if (!Currency.TryGet(code, out var currency))
        {
            Assert.DoesNotContain(code, TelegramCurrencies.Codes);
            return;
        }

        Assert.Null(TelegramCurrencies.ToTelegram(Money.FromMinor(10000, currency)));
        var provider = new TelegramInvoiceProvider(new NoPoster(), TimeProvider.System);
        Assert.Equal(RefusalKind.CurrencyNotSupported, provider.Capabilities.Check(Money.FromMinor(10000, currency))!.Kind);
    }

    [Fact]
    public void The_provider_refuses_below_Telegrams_minimum_and_above_its_maximum()
    {
        var provider = new TelegramInvoiceProvider(new NoPoster(), TimeProvider.System);
        Assert.Equal(new PaymentRefusal(RefusalKind.BelowMinimum, M(87, "EUR")), provider.Capabilities.Check(M(86, "EUR")));
        Assert.Null(provider.Capabilities.Check(M(87, "EUR")));
        Assert.Null(provider.Capabilities.Check(M(877155, "EUR")));
        Assert.Equal(new PaymentRefusal(RefusalKind.AboveMaximum, Maximum: M(877155, "EUR")), provider.Capabilities.Check(M(877156, "EUR")));
    }

    [Fact]
    public async Task A_chat_of_another_channel_gets_no_invoice()
    {
        var provider = new TelegramInvoiceProvider(new NoPoster(), TimeProvider.System);
        var request = new PaymentRequest("o1:a1", "o1", "discord:42", M(3000, "EUR"), "Dinner", DateTimeOffset.UtcNow, new Uri("http://x.test/d"), new Uri("http://x.test/c"))
        {
            PayToken = "tok_0123456789abcdef",
        };

        var refused = await Assert.ThrowsAsync<PaymentRefusedException>(() => provider.CreateAsync(request, CancellationToken.None));
        Assert.Equal(RefusalKind.Unavailable, refused.Refusal.Kind);
    }

    [Fact]
    public void An_invoice_names_debtor_creditor_and_reason_within_Telegrams_lengths()
    {
        var request = new PaymentRequest("o1:a1", "o1", "telegram:-1", M(3000, "EUR"), "Dinner", DateTimeOffset.UtcNow, new Uri("http://x.test/d"), new Uri("http://x.test/c"))
        {
            PayToken = "tok_0123456789abcdef",
            DebtorName = "Bartholomew Featherstonehaugh",
            CreditorName = "Alice",
            Reason = "Dinner (#3)",
        };

        var invoice = TelegramInvoiceProvider.Invoice(request, request.PayToken);

        Assert.Equal("Bartholomew Featherstonehaugh →…", invoice.Title);
        Assert.True(invoice.Title.Length <= TelegramInvoiceProvider.MaxTitle);
        Assert.Equal("Bartholomew Featherstonehaugh pays Alice 30.00 EUR for Dinner (#3). Only Bartholomew Featherstonehaugh can pay this invoice.", invoice.Description);
        Assert.Equal(("Dinner (#3)", 3000L, "EUR", "tok_0123456789abcdef"), (invoice.Label, invoice.Amount, invoice.Currency, invoice.Payload));
    }

    [Fact]
    public void Shortening_never_splits_a_character()
    {
        var text = new string('a', 30) + "👍👍";
        var shortened = TelegramInvoiceProvider.Shorten(text, 32);
        Assert.Equal(new string('a', 30) + "…", shortened);
        Assert.Equal("👍…", TelegramInvoiceProvider.Shorten("👍👍👍", 4));
    }

    [Fact]
    public void Pre_checkout_lets_only_the_debtor_pay_the_exact_amount_of_an_open_debt()
    {
        var open = Debt(ObligationState.Open);
        Assert.Null(TelegramInvoiceProvider.PreCheckoutError(open, "telegram:222", "EUR", 3000, "Bob"));
        Assert.Equal("Only Bob can pay this invoice.", TelegramInvoiceProvider.PreCheckoutError(open, "telegram:333", "EUR", 3000, "Bob"));
        Assert.NotNull(TelegramInvoiceProvider.PreCheckoutError(open, "telegram:222", "EUR", 3001, "Bob"));
        Assert.NotNull(TelegramInvoiceProvider.PreCheckoutError(open, "telegram:222", "USD", 3000, "Bob"));
        Assert.Equal("This debt is already paid.", TelegramInvoiceProvider.PreCheckoutError(Debt(ObligationState.Paid), "telegram:222", "EUR", 3000, "Bob"));
        Assert.NotNull(TelegramInvoiceProvider.PreCheckoutError(Debt(ObligationState.Netted), "telegram:222", "EUR", 3000, "Bob"));
        Assert.NotNull(TelegramInvoiceProvider.PreCheckoutError(Debt(ObligationState.Cancelled), "telegram:222", "EUR", 3000, "Bob"));
        Assert.Equal("This invoice is no longer valid.", TelegramInvoiceProvider.PreCheckoutError(null, "telegram:222", "EUR", 3000, "Bob"));
    }

    private static Obligation Debt(ObligationState state) => new()
    {
        Id = "telegram:-1/o1",
        ChatKey = "telegram:-1",
        FlowNumber = 1,
        Debtor = "telegram:222",
        Creditor = "telegram:111",
        Minor = 3000,
        CurrencyCode = "EUR",
        Reason = "Dinner",
        PayToken = "tok_0123456789abcdef",
        State = state,
    };

    private sealed class NoPoster : ITelegramInvoicePoster
    {
        public Task<string> PostAsync(TelegramInvoice invoice, CancellationToken ct) =>
            throw new InvalidOperationException("No invoice should be posted here.");
    }
}
