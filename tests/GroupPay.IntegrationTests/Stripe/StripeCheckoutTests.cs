using System.Globalization;
using System.Net;
using GroupPay.Payments;

namespace GroupPay.IntegrationTests.Stripe;

/// <summary>Bob opens his pay link in a chat that pays through Stripe: the host creates a Checkout Session once and sends him there.</summary>
public sealed class StripeCheckoutTests
{
    [Fact]
    public async Task Five_simultaneous_opens_of_one_pay_link_create_one_session_and_all_go_to_it()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("12.34 EUR");

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var browser = world.Browser();
            using var response = await browser.GetAsync($"/pay/{obligation.PayToken}");
            return (response.StatusCode, Location: response.Headers.Location?.ToString());
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode));
        Assert.Single(responses.Select(r => r.Location).Distinct());
        Assert.Equal("https://checkout.stripe.test/c/pay/cs_test_0001", responses[0].Location);
        Assert.Equal(1, world.Stripe.SessionCount);
        Assert.Single(world.Stripe.Creates.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal($"checkout:{obligation.Id}:a1", world.Stripe.Creates.First().IdempotencyKey);

        var attempt = await world.Records.LatestAttemptAsync(obligation.Id, "stripe", CancellationToken.None);
        Assert.Equal("cs_test_0001", attempt!.Reference);
    }

    [Theory]
    [InlineData("12.34 EUR", "eur", "1234")]
    [InlineData("1500 JPY", "jpy", "1500")]
    [InlineData("5.120 KWD", "kwd", "5120")]
    public async Task The_session_carries_the_exact_amount_currency_description_and_metadata(string amount, string currency, string unitAmount)
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync(amount);
        var before = DateTimeOffset.UtcNow;

        await world.OpenAsync(obligation);

        var create = Assert.Single(world.Stripe.Creates);
        var form = create.Form;
        Assert.Equal($"Bearer {FakeStripeApi.SecretKey}", create.Authorization);
        Assert.Equal("2026-10-28.endive", create.StripeVersion);
        Assert.Equal("payment", form["mode"]);
        Assert.Equal(currency, form["line_items[0][price_data][currency]"]);
        Assert.Equal(unitAmount, form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("1", form["line_items[0][quantity]"]);
        Assert.Equal("Lunch (#1): Bob → Alice", form["line_items[0][price_data][product_data][name]"]);
        Assert.Equal($"{obligation.Id}:a1", form["client_reference_id"]);
        Assert.Equal(obligation.Id, form["metadata[obligation_id]"]);
        Assert.Equal(StripeWorld.ChatKey, form["metadata[chat_key]"]);
        Assert.Equal(obligation.Id, form["payment_intent_data[metadata][obligation_id]"]);
        Assert.Equal($"{world.Host.BaseAddress}pay/{obligation.PayToken}/done", form["success_url"]);
        Assert.Equal($"{world.Host.BaseAddress}pay/{obligation.PayToken}/cancelled", form["cancel_url"]);
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(form["expires_at"], CultureInfo.InvariantCulture));
        Assert.InRange(expires, before.AddHours(1).AddSeconds(-2), DateTimeOffset.UtcNow.AddHours(1).AddSeconds(2));
    }

    [Fact]
    public async Task A_KWD_amount_Stripe_cannot_charge_exactly_gets_a_clear_page_and_no_session()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("5.125 KWD");
        using var browser = world.Browser();

        using var response = await browser.GetAsync($"/pay/{obligation.PayToken}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("cannot be paid by card", page);
        Assert.Contains("KWD only in amounts whose last decimal is 0", page);
        Assert.Equal(0, world.Stripe.SessionCount);
    }

    [Fact]
    public async Task An_amount_below_Stripes_minimum_gets_a_clear_page_and_no_session()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("0.30 EUR");
        using var browser = world.Browser();

        using var response = await browser.GetAsync($"/pay/{obligation.PayToken}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("0.30 EUR is below the smallest amount stripe charges in EUR (0.50 EUR)", page);
        Assert.Contains("?via=p2p", page);
        Assert.Equal(0, world.Stripe.SessionCount);
    }

    [Fact]
    public async Task An_expired_session_is_replaced_by_the_next_attempt_and_an_open_one_is_reused()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("20 EUR");

        var first = await world.OpenAsync(obligation);
        Assert.Equal(first, await world.OpenAsync(obligation));
        world.Stripe.Expire(first);
        var second = await world.OpenAsync(obligation);

        Assert.NotEqual(first, second);
        Assert.Equal([$"checkout:{obligation.Id}:a1", $"checkout:{obligation.Id}:a2"], world.Stripe.Creates.Select(c => c.IdempotencyKey).ToArray());
        Assert.True((await world.ReloadAsync(obligation)).IsOpen);
    }

    [Fact]
    public async Task Coming_back_from_checkout_shows_a_waiting_page_until_the_webhook_confirms()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("20 EUR");
        var session = await world.OpenAsync(obligation);
        using var browser = world.Browser();

        Assert.Contains("being confirmed", await browser.GetStringAsync($"/pay/{obligation.PayToken}/done"));
        Assert.Contains("Nothing was charged", await browser.GetStringAsync($"/pay/{obligation.PayToken}/cancelled"));

        world.Stripe.Pay(session);
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_done", "checkout.session.completed", session));
        Assert.Contains("Already paid", await browser.GetStringAsync($"/pay/{obligation.PayToken}/done"));
        Assert.Contains("Already paid", await browser.GetStringAsync($"/pay/{obligation.PayToken}"));
    }

    [Fact]
    public async Task A_person_to_person_chat_offers_Stripe_when_the_payee_has_no_handle()
    {
        await using var world = await StripeWorld.StartAsync();
        await world.SayAsync("Alice", "/settings provider p2p");
        var obligation = await world.RequestFromBobAsync("20 EUR");
        using var browser = world.Browser();

        var page = await browser.GetStringAsync($"/pay/{obligation.PayToken}");
        Assert.Contains("Alice has not said how to be paid yet", page);
        Assert.Contains($"href=\"/pay/{obligation.PayToken}?via=stripe\"", page);

        using var card = await browser.GetAsync($"/pay/{obligation.PayToken}?via=stripe");
        Assert.Equal(HttpStatusCode.SeeOther, card.StatusCode);
        Assert.Equal(1, world.Stripe.SessionCount);
    }
}
