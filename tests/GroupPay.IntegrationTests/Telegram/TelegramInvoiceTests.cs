using System.Net;
using System.Text.Json.Nodes;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using static GroupPay.IntegrationTests.Telegram.TelegramHarness;

namespace GroupPay.IntegrationTests.Telegram;

/// <summary>
/// Telegram invoices as a chat's provider: the pay link posts one invoice into the group, the pre-checkout query lets
/// only the debtor pay the exact amount of an open debt, and <c>successful_payment</c> settles the debt once.
/// </summary>
public sealed class TelegramInvoiceTests
{
    private const string ChatKey = "telegram:-1002352533321";
    private const string ProviderToken = "284685063:TEST:it-provider-token";

    private static Task<TelegramHarness> StartWithInvoicesAsync(string mode = "Polling") =>
        StartAsync(mode, fake => fake.SetAdmins(Group, Alice.Id), ("Telegram:PaymentProviderToken", ProviderToken));

    /// <summary>Bob and Carol speak, so that @bob and @carol resolve; Alice (the admin) switches the group to Telegram invoices.</summary>
    private static async Task SwitchToInvoicesAsync(TelegramHarness tg)
    {
        await tg.SendAsync(Text(Group, Bob, "hi"), Text(Group, Carol, "hello"));
        await tg.SendAsync(Text(Group, Alice, "/settings@GroupPayTestBot provider telegram"));
        Assert.Equal("⚙️ provider is now telegram.", tg.Fake.Delivered(Group)[^1].Text);
    }

    private static async Task<Obligation> OwedByAsync(TelegramHarness tg, int flow, TgUser debtor) =>
        (await tg.Host.Store.ObligationsAsync(ChatKey, flow, openOnly: false)).Single(o => o.Debtor == $"telegram:{debtor.Id}");

    private static async Task<(HttpStatusCode Status, string Body)> OpenPayLinkAsync(TelegramHarness tg, Obligation obligation)
    {
        using var client = tg.Host.Client();
        using var response = await client.GetAsync($"/pay/{obligation.PayToken}");
        var body = await response.Content.ReadAsStringAsync();
        await tg.DrainAsync();
        return (response.StatusCode, body);
    }

    private static IReadOnlyList<ApiCall> Invoices(TelegramHarness tg) => tg.Fake.Calls.Where(c => c.Method == "sendInvoice").ToList();

    private static ApiCall AnswerTo(TelegramHarness tg, string queryId) =>
        tg.Fake.Calls.Single(c => c.Method == "answerPreCheckoutQuery" && c.Params["pre_checkout_query_id"]!.GetValue<string>() == queryId);

    private static async Task<int> PaymentsConfirmedAsync(TelegramHarness tg) =>
        (await tg.Host.Store.JournalAsync(ChatKey)).Count(e => e.Kind == EntryKind.PaymentConfirmed);

    [Theory]
    [InlineData("Polling")]
    [InlineData("Webhook")]
    public async Task The_pay_link_posts_one_invoice_only_the_debtor_may_pay_and_its_payment_settles_the_debt_once(string mode)
    {
        await using var tg = await StartWithInvoicesAsync(mode);
        await SwitchToInvoicesAsync(tg);
        await tg.SendAsync(Text(Group, Alice, "/split@GroupPayTestBot 90 EUR Dinner @bob @carol"));
        var bob = await OwedByAsync(tg, 1, Bob);

        // Bob opens his pay link: the invoice goes into the group, and the page sends him there.
        var (status, page) = await OpenPayLinkAsync(tg, bob);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("An invoice for you was posted in the chat", page, StringComparison.Ordinal);
        var invoice = Assert.Single(Invoices(tg));
        Assert.Equal(200, invoice.Status);
        Assert.Equal(Group, invoice.ChatId);
        Assert.Equal(bob.PayToken, invoice.Params["payload"]!.GetValue<string>());
        Assert.Equal("EUR", invoice.Params["currency"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"label":"Dinner (#1)","amount":3000}]"""), invoice.Params["prices"]),
            invoice.Params["prices"]!.ToJsonString());
        Assert.Equal(ProviderToken, invoice.Params["provider_token"]!.GetValue<string>());
        Assert.Equal("Bob → Alice Liddell", invoice.Params["title"]!.GetValue<string>());
        Assert.Equal("Bob pays Alice Liddell 30.00 EUR for Dinner (#1). Only Bob can pay this invoice.", invoice.Params["description"]!.GetValue<string>());
        Assert.Null(invoice.Params["start_parameter"]);

        // Opening the link again does not post a second invoice while the first is unpaid.
        (status, page) = await OpenPayLinkAsync(tg, bob);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("An invoice for you was posted in the chat", page, StringComparison.Ordinal);
        Assert.Single(Invoices(tg));

        // Carol tries to pay Bob's invoice, and Bob tries a tampered amount: both refused with a reason.
        await tg.SendAsync(PreCheckout(Carol, bob.PayToken, "EUR", 3000, "pcq-carol"));
        Assert.False(AnswerTo(tg, "pcq-carol").Params["ok"]!.GetValue<bool>());
        Assert.Equal("Only Bob can pay this invoice.", AnswerTo(tg, "pcq-carol").Params["error_message"]!.GetValue<string>());
        await tg.SendAsync(PreCheckout(Bob, bob.PayToken, "EUR", 2999, "pcq-amount"));
        Assert.False(AnswerTo(tg, "pcq-amount").Params["ok"]!.GetValue<bool>());
        await tg.SendAsync(PreCheckout(Bob, bob.PayToken, "USD", 3000, "pcq-currency"));
        Assert.False(AnswerTo(tg, "pcq-currency").Params["ok"]!.GetValue<bool>());

        // Bob's own checkout is let through.
        await tg.SendAsync(PreCheckout(Bob, bob.PayToken, "EUR", 3000, "pcq-bob"));
        Assert.True(AnswerTo(tg, "pcq-bob").Params["ok"]!.GetValue<bool>());
        Assert.Null(AnswerTo(tg, "pcq-bob").Params["error_message"]);
        Assert.Equal(ObligationState.Open, (await tg.Host.Store.LoadObligationAsync(bob.Id))!.State);

        // Telegram reports the payment: the debt is paid with both charge ids kept; the card shows it and the chat gets one line.
        var before = tg.Fake.Delivered(Group).Count;
        await tg.SendAsync(SuccessfulPayment(Group, Bob, bob.PayToken, "EUR", 3000, "tgc_5551", "ch_3PbXq2"));
        var paid = (await tg.Host.Store.LoadObligationAsync(bob.Id))!;
        Assert.Equal(ObligationState.Paid, paid.State);
        Assert.Equal("telegram", paid.PaidVia);
        Assert.Equal("tg:tgc_5551;provider:ch_3PbXq2", paid.PaymentReference);
        var after = tg.Fake.Delivered(Group).Skip(before).ToList();
        Assert.Equal(["sendMessage", "editMessageText"], after.Select(c => c.Method));
        Assert.Equal("✅ Bob paid Alice Liddell 30.00 EUR for Dinner (#1).", after[0].Text);
        Assert.Contains("✅ Bob", after[1].Text, StringComparison.Ordinal);

        // The same payment delivered again (a new update carrying the same charge) changes nothing.
        await tg.SendAsync(SuccessfulPayment(Group, Bob, bob.PayToken, "EUR", 3000, "tgc_5551", "ch_3PbXq2"));
        Assert.Equal(before + 2, tg.Fake.Delivered(Group).Count);
        Assert.Equal(1, await PaymentsConfirmedAsync(tg));
        Assert.All(Ledger.Balances(await tg.Host.Store.JournalAsync(ChatKey)).Values, nets => Assert.Equal(0, nets.Values.Sum()));

        // A paid invoice is not paid twice, and its link now says so.
        await tg.SendAsync(PreCheckout(Bob, bob.PayToken, "EUR", 3000, "pcq-again"));
        Assert.Equal("This debt is already paid.", AnswerTo(tg, "pcq-again").Params["error_message"]!.GetValue<string>());
        (status, page) = await OpenPayLinkAsync(tg, bob);
        Assert.Contains("Already paid", page, StringComparison.Ordinal);
        Assert.Single(Invoices(tg));
    }

    [Fact]
    public async Task A_cancelled_debts_invoice_is_refused_at_checkout()
    {
        await using var tg = await StartWithInvoicesAsync();
        await SwitchToInvoicesAsync(tg);
        await tg.SendAsync(Text(Group, Alice, "/request@GroupPayTestBot @carol 12 EUR Cinema"));
        var carol = await OwedByAsync(tg, 1, Carol);
        await OpenPayLinkAsync(tg, carol);
        Assert.Equal(carol.PayToken, Assert.Single(Invoices(tg)).Params["payload"]!.GetValue<string>());

        await tg.SendAsync(Text(Group, Alice, "/cancel@GroupPayTestBot 1"));
        Assert.Equal(ObligationState.Cancelled, (await tg.Host.Store.LoadObligationAsync(carol.Id))!.State);

        await tg.SendAsync(PreCheckout(Carol, carol.PayToken, "EUR", 1200, "pcq-cancelled"));
        var answer = AnswerTo(tg, "pcq-cancelled");
        Assert.False(answer.Params["ok"]!.GetValue<bool>());
        Assert.Equal("This debt was cancelled or replaced; check the chat for the current one.", answer.Params["error_message"]!.GetValue<string>());
        Assert.Equal(0, await PaymentsConfirmedAsync(tg));
    }

    [Fact]
    public async Task Amounts_and_currencies_Telegram_does_not_take_get_a_clear_page_and_no_invoice()
    {
        await using var tg = await StartWithInvoicesAsync();
        await SwitchToInvoicesAsync(tg);
        await tg.SendAsync(Text(Group, Alice, "/settings@GroupPayTestBot max-amount 20000"));
        await tg.SendAsync(Text(Group, Alice, "/request@GroupPayTestBot @bob 0.50 EUR Gum"));
        await tg.SendAsync(Text(Group, Alice, "/request@GroupPayTestBot @bob 9000 EUR Car"));
        await tg.SendAsync(Text(Group, Alice, "/request@GroupPayTestBot @bob 10 KWD Tea"));
        await tg.SendAsync(Text(Group, Alice, "/request@GroupPayTestBot @bob 1000 JPY Sushi"));

        var (status, page) = await OpenPayLinkAsync(tg, await OwedByAsync(tg, 1, Bob));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("0.50 EUR is below the smallest amount telegram charges in EUR (0.87 EUR).", page, StringComparison.Ordinal);

        (status, page) = await OpenPayLinkAsync(tg, await OwedByAsync(tg, 2, Bob));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("is above the largest amount telegram charges in EUR (8,771.55 EUR).", page, StringComparison.Ordinal);

        (status, page) = await OpenPayLinkAsync(tg, await OwedByAsync(tg, 3, Bob));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("telegram does not take KWD.", page, StringComparison.Ordinal);
        Assert.Empty(Invoices(tg));

        // Yen have no minor unit, in ISO 4217 and in Telegram's list alike: 1000 JPY is an invoice of 1000.
        var yen = await OwedByAsync(tg, 4, Bob);
        (status, _) = await OpenPayLinkAsync(tg, yen);
        Assert.Equal(HttpStatusCode.OK, status);
        var invoice = Assert.Single(Invoices(tg));
        Assert.Equal("JPY", invoice.Params["currency"]!.GetValue<string>());
        Assert.Equal(1000, invoice.Params["prices"]![0]!["amount"]!.GetValue<long>());
        Assert.Equal(yen.PayToken, invoice.Params["payload"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_a_Telegram_chat_can_switch_to_Telegram_invoices()
    {
        await using var tg = await StartWithInvoicesAsync();
        var admin = new Actor("playground:alice", "Alice", "alice", IsPlatformAdmin: true);

        var result = await tg.Host.Turns.HandleAsync(new TextInbound("playground:lobby", "playground:msg:1", admin, "/settings provider telegram"));

        Assert.Contains(result.Outbox, item => item.Text == "Telegram invoices work only in Telegram chats. Here, choose sandbox, stripe or p2p: /settings provider p2p");
        Assert.NotEqual("telegram", (await tg.Host.Store.LoadChatAsync("playground:lobby"))?.Settings.Provider);
    }
}
