using System.Net;
using GroupPay.BotHost.Payments;
using GroupPay.Payments;
using GroupPay.Payments.Providers;

namespace GroupPay.IntegrationTests.Stripe;

/// <summary>Stripe's webhook: authenticated on the raw bytes, deduplicated by event id, settled from the re-fetched session.</summary>
public sealed class StripeWebhookTests
{
    private static async Task<(StripeWorld World, Obligation Obligation, string Session)> PaidSessionAsync()
    {
        var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("25 EUR");
        var session = await world.OpenAsync(obligation);
        world.Stripe.Pay(session);
        return (world, obligation, session);
    }

    public static TheoryData<string> Forgeries() => ["wrong secret", "tampered body", "LF to CRLF", "timestamp outside tolerance", "no signature"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_request_that_fails_the_signature_check_is_refused_and_changes_nothing(string forgery)
    {
        var (world, obligation, session) = await PaidSessionAsync();
        await using var _ = world;
        var body = world.Stripe.Event("evt_forged", "checkout.session.completed", session);
        Assert.Contains('\n', body);
        var (sent, signature) = forgery switch
        {
            "wrong secret" => (body, StripeWorld.Sign(body, "whsec_someone_else")),
            "tampered body" => (body.Replace("\"payment_status\": \"paid\"", "\"payment_status\": \"paid\" ", StringComparison.Ordinal), StripeWorld.Sign(body)),
            "LF to CRLF" => (body.Replace("\n", "\r\n", StringComparison.Ordinal), StripeWorld.Sign(body)),
            "timestamp outside tolerance" => (body, StripeWorld.Sign(body, at: DateTimeOffset.UtcNow.AddSeconds(-400))),
            _ => (body, ""),
        };
        using var client = world.Host.Client();

        using var response = await client.SendAsync(StripeWorld.Webhook(sent, signature, asBytes: true));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True((await world.ReloadAsync(obligation)).IsOpen);
        Assert.Equal(0, await world.PaymentsConfirmedAsync());
        Assert.False(world.Stripe.Fetches.ContainsKey(session));
        Assert.False(await world.Records.IsEventHandledAsync("stripe", "evt_forged", CancellationToken.None));
    }

    [Fact]
    public async Task Either_secret_of_a_rotation_and_any_of_several_v1_signatures_is_accepted()
    {
        var (world, obligation, session) = await PaidSessionAsync();
        await using var _ = world;
        using var client = world.Host.Client();

        var first = world.Stripe.Event("evt_old_secret", "checkout.session.expired", session);
        using var old = await client.SendAsync(StripeWorld.Webhook(first, StripeWorld.Sign(first, StripeWorld.OldSecret)));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);

        var second = world.Stripe.Event("evt_two_v1", "checkout.session.completed", session);
        var genuine = StripeWorld.Sign(second);
        var twoSignatures = genuine.Replace(",v1=", ",v1=" + new string('0', 64) + ",v1=", StringComparison.Ordinal) + ",v0=ignored";
        using var rotated = await client.SendAsync(StripeWorld.Webhook(second, twoSignatures));
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);

        Assert.Equal(ObligationState.Paid, (await world.ReloadAsync(obligation)).State);
    }

    [Fact]
    public async Task The_same_event_three_times_pays_once()
    {
        var (world, obligation, session) = await PaidSessionAsync();
        await using var _ = world;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_same", "checkout.session.completed", session));
        }

        var paid = await world.ReloadAsync(obligation);
        Assert.Equal(ObligationState.Paid, paid.State);
        Assert.Equal("stripe", paid.PaidVia);
        Assert.Equal(session, paid.PaymentReference);
        Assert.Equal(1, await world.PaymentsConfirmedAsync());
        Assert.All(await world.LedgerSumsAsync(), sum => Assert.Equal(0, sum));
        Assert.Equal(1, world.Stripe.Fetches[session]);
    }

    [Fact]
    public async Task Events_out_of_order_expired_before_completed_and_completed_twice_end_paid_exactly_once()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("25 EUR");
        var abandoned = await world.OpenAsync(obligation);
        world.Stripe.Expire(abandoned);
        var paid = await world.OpenAsync(obligation);
        world.Stripe.Pay(paid);

        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_1", "checkout.session.completed", paid));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_2", "checkout.session.expired", abandoned));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_3", "checkout.session.completed", paid));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_4", "checkout.session.async_payment_succeeded", paid));

        var settled = await world.ReloadAsync(obligation);
        Assert.Equal(ObligationState.Paid, settled.State);
        Assert.Equal(paid, settled.PaymentReference);
        Assert.Equal(1, await world.PaymentsConfirmedAsync());
        Assert.All(await world.LedgerSumsAsync(), sum => Assert.Equal(0, sum));
        Assert.Equal(PaymentState.Expired, (await world.Records.FindAttemptAsync("stripe", abandoned, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task An_expired_event_arriving_first_for_a_session_that_is_paid_by_now_settles_it_once()
    {
        var (world, obligation, session) = await PaidSessionAsync();
        await using var _ = world;

        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_late_expired", "checkout.session.expired", session));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_completed", "checkout.session.completed", session));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_completed_again", "checkout.session.completed", session));

        Assert.Equal(ObligationState.Paid, (await world.ReloadAsync(obligation)).State);
        Assert.Equal(1, await world.PaymentsConfirmedAsync());
        Assert.All(await world.LedgerSumsAsync(), sum => Assert.Equal(0, sum));
    }

    [Fact]
    public async Task A_delayed_payment_is_paid_only_when_it_succeeds_and_a_failed_one_opens_a_new_attempt()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("25 EUR");
        var session = await world.OpenAsync(obligation);
        world.Stripe.PayLater(session);

        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_unpaid", "checkout.session.completed", session));
        Assert.True((await world.ReloadAsync(obligation)).IsOpen);
        using (var browser = world.Browser())
        {
            Assert.Contains("being processed", await browser.GetStringAsync($"/pay/{obligation.PayToken}"));
        }

        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_failed", "checkout.session.async_payment_failed", session));
        Assert.True((await world.ReloadAsync(obligation)).IsOpen);
        Assert.NotEqual(session, await world.OpenAsync(obligation));

        var retry = world.Stripe.Creates.Count;
        Assert.Equal(2, retry);
        var second = $"cs_test_{retry:D4}";
        world.Stripe.PayLater(second);
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_unpaid_2", "checkout.session.completed", second));
        world.Stripe.Pay(second);
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_succeeded", "checkout.session.async_payment_succeeded", second));
        Assert.Equal(ObligationState.Paid, (await world.ReloadAsync(obligation)).State);
        Assert.Equal(1, await world.PaymentsConfirmedAsync());
    }

    [Fact]
    public async Task An_event_that_changes_nothing_is_still_remembered_so_a_redelivery_is_not_processed_again()
    {
        await using var world = await StripeWorld.StartAsync();
        var obligation = await world.RequestFromBobAsync("25 EUR");
        var session = await world.OpenAsync(obligation);
        world.Stripe.Expire(session);
        var fetchesBefore = world.Stripe.Fetches.GetValueOrDefault(session);

        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_expired", "checkout.session.expired", session));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_expired", "checkout.session.expired", session));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_other", "customer.created", session));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_other", "customer.created", session));

        Assert.Equal(fetchesBefore + 1, world.Stripe.Fetches[session]);
        Assert.True(await world.Records.IsEventHandledAsync("stripe", "evt_expired", CancellationToken.None));
        Assert.True(await world.Records.IsEventHandledAsync("stripe", "evt_other", CancellationToken.None));
        Assert.True((await world.ReloadAsync(obligation)).IsOpen);
    }

    [Fact]
    public async Task Handled_events_are_kept_at_least_30_days()
    {
        await using var world = await StripeWorld.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await world.Records.MarkEventHandledAsync("stripe", "evt_29_days", now.AddDays(-29), CancellationToken.None);
        await world.Records.MarkEventHandledAsync("stripe", "evt_31_days", now.AddDays(-31), CancellationToken.None);
        await world.Records.MarkEventHandledAsync("stripe", "evt_40_days", now.AddDays(-40), CancellationToken.None);

        await world.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.True(await world.Records.IsEventHandledAsync("stripe", "evt_29_days", CancellationToken.None));
        Assert.True(await world.Records.IsEventHandledAsync("stripe", "evt_31_days", CancellationToken.None));
        Assert.False(await world.Records.IsEventHandledAsync("stripe", "evt_40_days", CancellationToken.None));
        Assert.True(PaymentReconciler.EventRetention >= TimeSpan.FromDays(30));
    }

    [Fact]
    public async Task A_session_paid_while_its_webhook_was_lost_is_settled_by_the_poller()
    {
        var (world, obligation, session) = await PaidSessionAsync();
        await using var _ = world;
        Assert.True((await world.ReloadAsync(obligation)).IsOpen);

        var looked = await world.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, looked);
        var paid = await world.ReloadAsync(obligation);
        Assert.Equal(ObligationState.Paid, paid.State);
        Assert.Equal(session, paid.PaymentReference);
        Assert.Equal(0, await world.Reconciler.RunOnceAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, await world.DeliverAsync("evt_late", "checkout.session.completed", session));
        Assert.Equal(1, await world.PaymentsConfirmedAsync());
    }
}
