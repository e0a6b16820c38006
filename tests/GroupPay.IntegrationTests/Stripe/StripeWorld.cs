using System.Net.Http.Headers;
using System.Text;
using GroupPay.BotHost.Payments;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.Stripe;
using Microsoft.Extensions.DependencyInjection;

namespace GroupPay.IntegrationTests.Stripe;

/// <summary>The real host, configured for Stripe and pointed at <see cref="FakeStripeApi"/>, with one chat that pays through Stripe.</summary>
public sealed class StripeWorld : IAsyncDisposable
{
    public const string ChatKey = "playground:stripe-chat";
    public const string OldSecret = "whsec_old_0123456789abcdef";
    public const string NewSecret = "whsec_new_fedcba9876543210";
    public const string WebhookPath = "/api/payments/stripe/webhook";

    private int messages;

    private StripeWorld(FakeStripeApi stripe, TestHost host)
    {
        Stripe = stripe;
        Host = host;
    }

    public FakeStripeApi Stripe { get; }
    public TestHost Host { get; }
    public IPaymentRecords Records => Host.Services.GetRequiredService<IPaymentRecords>();

    public static async Task<StripeWorld> StartAsync()
    {
        var stripe = await FakeStripeApi.StartAsync();
        var host = TestHost.Start(extra:
        [
            ("Stripe:SecretKey", FakeStripeApi.SecretKey),
            ("Stripe:WebhookSecret", $"{OldSecret},{NewSecret}"),
            ("Stripe:ApiBase", stripe.BaseAddress.ToString()),
            ("Stripe:ReconcileAfter", "00:00:00"),
            ("Stripe:ReconcileInterval", "01:00:00"),
        ]);
        var world = new StripeWorld(stripe, host);
        foreach (var name in new[] { "Alice", "Bob", "Carol" })
        {
            await world.SayAsync(name, "hi");
        }

        await world.SayAsync("Alice", "/settings provider stripe");
        return world;
    }

    public static Actor Member(string name) => new($"playground:{name.ToLowerInvariant()}", name, name.ToLowerInvariant(), name == "Alice");

    public Task SayAsync(string name, string text) =>
        Host.Turns.HandleAsync(new TextInbound(ChatKey, $"msg:{Interlocked.Increment(ref messages)}", Member(name), text));

    /// <summary>Alice asks Bob for an amount; returns Bob's obligation.</summary>
    public async Task<Obligation> RequestFromBobAsync(string amount)
    {
        await SayAsync("Alice", $"/request @bob {amount} Lunch");
        return (await Host.Store.ObligationsAsync(ChatKey, null, openOnly: true)).OrderByDescending(o => o.CreatedAt).First(o => o.Debtor == "playground:bob");
    }

    public HttpClient Browser() => Host.Client(followRedirects: false);

    /// <summary>Opens the pay link and returns the session it redirected to.</summary>
    public async Task<string> OpenAsync(Obligation obligation)
    {
        using var browser = Browser();
        using var response = await browser.GetAsync($"/pay/{obligation.PayToken}");
        Assert.Equal(System.Net.HttpStatusCode.SeeOther, response.StatusCode);
        return response.Headers.Location!.ToString()[(response.Headers.Location!.ToString().LastIndexOf('/') + 1)..];
    }

    public static HttpRequestMessage Webhook(string body, string signature, bool asBytes = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath)
        {
            Content = asBytes ? new ByteArrayContent(Encoding.UTF8.GetBytes(body)) : new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        return request;
    }

    public static string Sign(string body, string secret = NewSecret, DateTimeOffset? at = null) =>
        StripeSignature.Sign(Encoding.UTF8.GetBytes(body), secret, at ?? DateTimeOffset.UtcNow);

    /// <summary>Posts the event Stripe would send now about a session, correctly signed.</summary>
    public async Task<System.Net.HttpStatusCode> DeliverAsync(string eventId, string type, string sessionId)
    {
        var body = Stripe.Event(eventId, type, sessionId);
        using var client = Host.Client();
        using var response = await client.SendAsync(Webhook(body, Sign(body)));
        return response.StatusCode;
    }

    public async Task<Obligation> ReloadAsync(Obligation obligation) => (await Host.Store.LoadObligationAsync(obligation.Id))!;

    public async Task<int> PaymentsConfirmedAsync() =>
        (await Host.Store.JournalAsync(ChatKey)).Count(e => e.Kind == EntryKind.PaymentConfirmed);

    /// <summary>Σ of every member's net per currency: zero when the ledger balances.</summary>
    public async Task<IEnumerable<long>> LedgerSumsAsync() =>
        Ledger.Balances(await Host.Store.JournalAsync(ChatKey)).Select(c => c.Value.Values.Sum());

    public PaymentReconciler Reconciler => Host.Services.GetRequiredService<PaymentReconciler>();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
