using Microsoft.AspNetCore.Hosting;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Payments;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupPay.IntegrationTests;

public sealed class HostTests
{
    private const string ChatKey = "playground:it-chat";

    private static Actor Member(string name) => new($"playground:{name.ToLowerInvariant()}", name, name.ToLowerInvariant(), name == "Alice");

    private static async Task<Obligation> SplitDinnerAsync(TestHost host)
    {
        foreach (var name in new[] { "Alice", "Bob", "Carol" })
        {
            await host.Turns.HandleAsync(new TextInbound(ChatKey, $"hello:{name}", Member(name), "hi"));
        }

        await host.Turns.HandleAsync(new TextInbound(ChatKey, "split", Member("Alice"), "/split 90 EUR Dinner @bob @carol"));
        return (await host.Store.ObligationsAsync(ChatKey, 1, openOnly: true)).Single(o => o.Debtor == "playground:bob");
    }

    private static HttpRequestMessage SignedEvent(TestHost host, Obligation obligation, string eventId, DateTimeOffset? at = null, string? secret = null)
    {
        var body = JsonSerializer.Serialize(
            new SandboxEvent(eventId, "payment.succeeded", obligation.ChatKey, obligation.Id, obligation.Minor, obligation.CurrencyCode,
                DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            JsonSerializerOptions.Web);
        var request = new HttpRequestMessage(HttpMethod.Post, SandboxGateway.WebhookPath)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SandboxSignature.Header,
            SandboxSignature.Sign(secret ?? host.Services.GetRequiredService<SandboxSecret>().Value, at ?? DateTimeOffset.UtcNow, body));
        return request;
    }

    private static async Task<long> PaymentsAsync(TestHost host) =>
        (await host.Store.JournalAsync(ChatKey)).Count(e => e.Kind == EntryKind.PaymentConfirmed);

    [Fact]
    public async Task The_host_runs_the_dedupe_retention_over_its_store_and_keeps_recent_keys()
    {
        await using var host = TestHost.Start();
        await SplitDinnerAsync(host);

        var retention = host.Services.GetRequiredService<DedupeRetention>();
        Assert.Contains(retention, host.Services.GetServices<IHostedService>());
        Assert.Equal(0, await retention.RunOnceAsync(CancellationToken.None));
        Assert.True(await host.Store.IsProcessedAsync("split"));
        await host.Turns.HandleAsync(new TextInbound(ChatKey, "split", Member("Alice"), "/split 90 EUR Dinner @bob @carol"));
        Assert.Equal(2, (await host.Store.LoadChatAsync(ChatKey))!.NextFlowNumber);
    }

    [Fact]
    public async Task Sandbox_webhook_with_a_bad_signature_is_refused_and_changes_nothing()
    {
        await using var host = TestHost.Start();
        var obligation = await SplitDinnerAsync(host);
        using var client = host.Client();

        using var response = await client.SendAsync(SignedEvent(host, obligation, "evt_bad", secret: "not-the-secret-0000000000000000"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await PaymentsAsync(host));
        Assert.True((await host.Store.LoadObligationAsync(obligation.Id))!.IsOpen);
    }

    [Fact]
    public async Task The_same_event_three_times_confirms_once()
    {
        await using var host = TestHost.Start();
        var obligation = await SplitDinnerAsync(host);
        using var client = host.Client();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(SignedEvent(host, obligation, "evt_once"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, await PaymentsAsync(host));
        Assert.Equal(ObligationState.Paid, (await host.Store.LoadObligationAsync(obligation.Id))!.State);
    }

    [Fact]
    public async Task A_timestamp_older_than_300_seconds_is_refused()
    {
        await using var host = TestHost.Start();
        var obligation = await SplitDinnerAsync(host);
        using var client = host.Client();

        using var response = await client.SendAsync(SignedEvent(host, obligation, "evt_old", DateTimeOffset.UtcNow.AddSeconds(-301)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await PaymentsAsync(host));
    }

    [Fact]
    public async Task The_sandbox_checkout_pays_through_its_own_signed_webhook()
    {
        await using var host = TestHost.Start();
        var obligation = await SplitDinnerAsync(host);
        using var client = host.Client();

        var page = await client.GetStringAsync($"/pay/{obligation.PayToken}");
        Assert.Contains("30.00 EUR", page);
        Assert.Contains("Sandbox", page);

        using var decline = await client.PostAsync($"/pay/{obligation.PayToken}/sandbox", Form("decline"));
        Assert.Contains("declined", await decline.Content.ReadAsStringAsync());
        Assert.True((await host.Store.LoadObligationAsync(obligation.Id))!.IsOpen);

        using var pay = await client.PostAsync($"/pay/{obligation.PayToken}/sandbox", Form("pay"));
        Assert.Contains("Payment sent", await pay.Content.ReadAsStringAsync());
        Assert.Equal(ObligationState.Paid, (await host.Store.LoadObligationAsync(obligation.Id))!.State);

        Assert.Contains("Already paid", await client.GetStringAsync($"/pay/{obligation.PayToken}"));
        using var unknown = await client.GetAsync("/pay/no-such-token-123");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Admin_api_auth_matrix()
    {
        await using var host = TestHost.Start();
        await SplitDinnerAsync(host);
        using var client = host.Client();
        var chat = Uri.EscapeDataString(ChatKey);

        foreach (var path in new[] { "balances", "flows?state=open", "ledger.csv", "audit" })
        {
            using var none = await client.GetAsync($"/api/v1/chats/{chat}/{path}");
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);

            using var wrong = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/chats/{chat}/{path}");
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);

            using var right = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/chats/{chat}/{path}");
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "it-admin-key-0123456789");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);
        }

        await using var keyless = TestHost.Start(adminKey: null);
        using var keylessClient = keyless.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/chats/{chat}/balances");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "anything");
        Assert.Equal(HttpStatusCode.NotFound, (await keylessClient.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Admin_api_shows_balances_flows_ledger_and_a_verified_audit_chain()
    {
        await using var host = TestHost.Start();
        var obligation = await SplitDinnerAsync(host);
        using var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "it-admin-key-0123456789");
        await client.SendAsync(SignedEvent(host, obligation, "evt_paid"));
        var chat = Uri.EscapeDataString(ChatKey);

        using var balances = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/chats/{chat}/balances"));
        var nets = balances.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("net").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["Alice"] = "30.00", ["Bob"] = "0.00", ["Carol"] = "-30.00" }, nets);
        Assert.All(balances.RootElement.EnumerateArray(), e => Assert.Equal("EUR", e.GetProperty("currency").GetString()));

        using var flows = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/chats/{chat}/flows?state=open"));
        var flow = Assert.Single(flows.RootElement.EnumerateArray());
        Assert.Equal(2, flow.GetProperty("obligations").GetArrayLength());

        var csv = await client.GetStringAsync($"/api/v1/chats/{chat}/ledger.csv");
        Assert.StartsWith(LedgerCsv.Header, csv);

        using var audit = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/chats/{chat}/audit"));
        Assert.True(audit.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(3, audit.RootElement.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Healthz_answers_and_metrics_move_after_a_turn()
    {
        await using var host = TestHost.Start();
        using var client = host.Client();

        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        var before = Counter(await client.GetStringAsync("/metrics"), "grouppay_turns_total");
        await SplitDinnerAsync(host);
        var after = await client.GetStringAsync("/metrics");

        Assert.Equal(before + 4, Counter(after, "grouppay_turns_total"));
        Assert.Equal(4, Counter(after, "grouppay_updates_received_total"));
        Assert.Contains("grouppay_turn_duration_seconds_count 4", after);
    }

    [Fact]
    public async Task After_a_restart_an_open_collect_keeps_its_buttons_and_pay_links()
    {
        await using var host = TestHost.Start();
        foreach (var name in new[] { "Alice", "Bob", "Carol" })
        {
            await host.Turns.HandleAsync(new TextInbound(ChatKey, $"hello:{name}", Member(name), "hi"));
        }

        await host.Turns.HandleAsync(new TextInbound(ChatKey, "collect", Member("Alice"), "/collect 20 EUR Dues @bob"));
        var join = (await host.Store.LoadFlowAsync(ChatKey, 1))!.Tokens["join"];
        var bobs = (await host.Store.ObligationsAsync(ChatKey, 1, openOnly: true)).Single();

        await host.RestartAsync();

        var joined = await host.Turns.HandleAsync(new ButtonInbound(ChatKey, "press:carol", Member("Carol"), join));
        Assert.Equal("You joined #1.", joined.Toast);
        using var client = host.Client();
        Assert.Contains("20.00 EUR", await client.GetStringAsync($"/pay/{bobs.PayToken}"));
        using var pay = await client.PostAsync($"/pay/{bobs.PayToken}/sandbox", Form("pay"));
        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        Assert.Equal(ObligationState.Paid, (await host.Store.LoadObligationAsync(bobs.Id))!.State);
        Assert.Equal(2, (await host.Store.ObligationsAsync(ChatKey, 1, openOnly: false)).Count);
    }

    private static FormUrlEncodedContent Form(string action) => new([new KeyValuePair<string, string>("action", action)]);

    private static long Counter(string metrics, string name) => long.Parse(
        metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);
}

public sealed class StartupTests
{
    [Theory]
    [InlineData("Telegram:WebhookSecret", "Telegram:Token", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "Telegram:Mode", "Webhook")]
    [InlineData("Telegram:PaymentProviderToken", "Telegram:Token", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "Payments:Provider", "telegram")]
    [InlineData("Telegram:PaymentProviderToken", "Telegram:Token", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "Telegram:PaymentProviderToken", "changeme")]
    [InlineData("Admin:ApiKey", "Admin:ApiKey", "changeme", null, null)]
    [InlineData("Stripe:WebhookSecret", "Stripe:SecretKey", "sk_test_0000000000", null, null)]
    [InlineData("Discord:PublicKey", "Discord:ApplicationId", "1234567890", null, null)]
    public void Outside_development_a_missing_or_placeholder_secret_stops_the_start(string named, string key1, string value1, string? key2, string? value2)
    {
        var folder = Path.Combine(Path.GetTempPath(), "grouppay-it", Guid.NewGuid().ToString("N"));
        using var factory = new ProductionFactory(new Dictionary<string, string?>
        {
            ["Storage:LiteDb:Path"] = Path.Combine(folder, "grouppay.db"),
            [key1] = value1,
            [key2 ?? "Unused:Key"] = value2,
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains($"'{named}'", failure.ToString());
    }

    private sealed class ProductionFactory(Dictionary<string, string?> settings) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
