using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using GroupPay.IntegrationTests;
using GroupPay.IntegrationTests.BotFramework;
using GroupPay.IntegrationTests.Discord;
using GroupPay.IntegrationTests.Stripe;
using GroupPay.IntegrationTests.Telegram;
using GroupPay.Payments;
using GroupPay.Payments.Providers;

namespace GroupPay.ReliabilityTests.Duplicates;

/// <summary>
/// SPEC §7 "Exactly-once effects": every inbound kind is delivered 2–10 times, first one copy after another, then all
/// copies at once, and must have one effect.
/// </summary>
public sealed class DuplicateDeliveryTests
{
    private static readonly Random Random = new();

    private static int Copies()
    {
        lock (Random)
        {
            return Random.Next(2, 11);
        }
    }

    [Fact]
    public async Task A_Telegram_update_delivered_many_times_has_one_effect()
    {
        const long group = -1001444000555;
        await using var telegram = await TelegramHarness.StartAsync("Webhook", fake => fake.GroupLimit = int.MaxValue);
        await telegram.SendAsync(TelegramHarness.Text(group, TelegramHarness.Bob, "/balance"), TelegramHarness.Text(group, TelegramHarness.Carol, "/balance"));
        var copies = 0;
        for (var round = 1; round <= Scale.DuplicateRounds; round++)
        {
            var sequential = TelegramHarness.Text(group, TelegramHarness.Alice, $"/split 30 EUR seq{round} @bob @carol");
            var concurrent = TelegramHarness.Text(group, TelegramHarness.Alice, $"/split 30 EUR par{round} @bob @carol");
            var (n, m) = (Copies(), Copies());
            for (var i = 0; i < n; i++)
            {
                using var response = await telegram.PostWebhookAsync(sequential, TelegramHarness.WebhookSecret);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            foreach (var response in await Task.WhenAll(Enumerable.Range(0, m).Select(_ => telegram.PostWebhookAsync(concurrent, TelegramHarness.WebhookSecret))))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }

            copies += n + m;
            await AssertOneFlowEachAsync(telegram.Host.Store, $"telegram:{group}", $"seq{round}", $"par{round}");
        }

        await telegram.DrainAsync();
        Assert.Equal(2 * Scale.DuplicateRounds, telegram.Fake.Delivered(group).Count(c => c.Method == "sendMessage" && c.Keyboard is not null));
        Scale.Report("duplicates-telegram", ("deliveries", copies), ("effects", 2 * Scale.DuplicateRounds), ("failures", 0));
    }

    [Fact]
    public async Task A_Discord_interaction_delivered_many_times_has_one_effect()
    {
        await using var discord = await FakeDiscord.StartAsync();
        await using var host = TestHost.Start(extra:
        [
            ("Discord:PublicKey", FakeDiscord.PublicKeyHex), ("Discord:ApplicationId", FakeDiscord.ApplicationId),
            ("Discord:BotToken", FakeDiscord.BotToken), ("Discord:GuildId", FakeDiscord.GuildId), ("Discord:ApiBaseUrl", discord.BaseUrl),
        ]);
        using var bot = host.Client();
        var alice = FakeDiscord.Member("11", "Alice");
        var copies = 0;
        for (var round = 1; round <= Scale.DuplicateRounds; round++)
        {
            var sequential = discord.SlashCommand(alice, "split", ("amount", 3, JsonValue.Create("90")), ("participants", 3, JsonValue.Create("<@12> <@13>")), ("description", 3, JsonValue.Create($"seq{round}")));
            var concurrent = discord.SlashCommand(alice, "split", ("amount", 3, JsonValue.Create("90")), ("participants", 3, JsonValue.Create("<@12> <@13>")), ("description", 3, JsonValue.Create($"par{round}")));
            var (n, m) = (Copies(), Copies());
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await discord.SendAsync(bot, sequential)).Status);
            }

            foreach (var answer in await Task.WhenAll(Enumerable.Range(0, m).Select(_ => discord.SendAsync(bot, concurrent))))
            {
                Assert.Equal(HttpStatusCode.OK, answer.Status);
            }

            copies += n + m;
            await AssertOneFlowEachAsync(host.Store, $"discord:{FakeDiscord.ChannelId}", $"seq{round}", $"par{round}");
        }

        Scale.Report("duplicates-discord", ("deliveries", copies), ("effects", 2 * Scale.DuplicateRounds), ("failures", 0));
    }

    [Fact]
    public async Task A_Bot_Framework_activity_delivered_many_times_has_one_effect()
    {
        await using var chat = await BotFrameworkConversation.StartAsync();
        await chat.SendAsync(chat.Message("Bob", "hello"));
        await chat.SendAsync(chat.Message("Carol", "hello"));
        var copies = 0;
        for (var round = 1; round <= Scale.DuplicateRounds; round++)
        {
            var sequential = chat.Message("Alice", $"split 90 EUR seq{round} @Bob @Carol");
            var concurrent = chat.Message("Alice", $"split 90 EUR par{round} @Bob @Carol");
            var (n, m) = (Copies(), Copies());
            for (var i = 0; i < n; i++)
            {
                using var response = await chat.PostAsync(sequential);
                Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
            }

            foreach (var response in await Task.WhenAll(Enumerable.Range(0, m).Select(_ => chat.PostAsync(concurrent))))
            {
                Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
                response.Dispose();
            }

            copies += n + m;
            await AssertOneFlowEachAsync(chat.Host.Store, BotFrameworkConversation.ChatKey, $"seq{round}", $"par{round}");
        }

        Scale.Report("duplicates-botframework", ("deliveries", copies), ("effects", 2 * Scale.DuplicateRounds), ("failures", 0));
    }

    [Fact]
    public async Task A_sandbox_payment_event_delivered_many_times_pays_once()
    {
        const string secret = "dup-sandbox-secret-0123456789";
        await using var host = TestHost.Start(extra: [("Payments:Sandbox:WebhookSecret", secret)]);
        var chatKey = "test:dup-sandbox";
        var alice = new Actor("test:alice", "Alice", "alice", true);
        await host.Turns.HandleAsync(new TextInbound(chatKey, "m1", new Actor("test:bob", "Bob", "bob", false), "/balance", "GroupPayBot"));
        await host.Turns.HandleAsync(new TextInbound(chatKey, "m2", new Actor("test:carol", "Carol", "carol", false), "/balance", "GroupPayBot"));
        await host.Turns.HandleAsync(new TextInbound(chatKey, "m3", alice, "/split 90 EUR Dinner @bob @carol", "GroupPayBot"));
        var obligations = await host.Store.ObligationsAsync(chatKey, null, openOnly: false);
        using var client = host.Client();
        var copies = 0;
        foreach (var (obligation, concurrent) in obligations.Select((o, i) => (o, i % 2 == 1)))
        {
            var body = JsonSerializer.Serialize(new SandboxEvent($"evt_dup_{obligation.Id}", "payment.succeeded", chatKey, obligation.Id, obligation.Minor,
                obligation.CurrencyCode, DateTimeOffset.UtcNow.ToUnixTimeSeconds()), JsonSerializerOptions.Web);
            Task<HttpResponseMessage> Post()
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/sandbox/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add(SandboxSignature.Header, SandboxSignature.Sign(secret, DateTimeOffset.UtcNow, body));
                return client.SendAsync(request);
            }

            var n = Copies();
            var responses = concurrent ? await Task.WhenAll(Enumerable.Range(0, n).Select(_ => Post())) : await SequentiallyAsync(n, Post);
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            copies += n;
        }

        var journal = await host.Store.JournalAsync(chatKey);
        Assert.Equal(obligations.Count, journal.Count(e => e.Kind == EntryKind.PaymentConfirmed));
        Assert.All(await host.Store.ObligationsAsync(chatKey, null, openOnly: false), o => Assert.Equal(ObligationState.Paid, o.State));
        var audit = await StoreAuditor.AuditChatAsync(host.Store, chatKey);
        Assert.True(audit.Holds, string.Join("; ", audit.Problems));
        Scale.Report("duplicates-sandbox", ("deliveries", copies), ("effects", obligations.Count), ("failures", 0));
    }

    [Fact]
    public async Task A_Stripe_event_delivered_many_times_pays_once()
    {
        await using var world = await StripeWorld.StartAsync();
        var copies = 0;
        foreach (var concurrent in new[] { false, true })
        {
            var obligation = await world.RequestFromBobAsync("25 EUR");
            var session = await world.OpenAsync(obligation);
            world.Stripe.Pay(session);
            var n = Copies();
            var eventId = $"evt_dup_{concurrent}";
            var statuses = concurrent
                ? await Task.WhenAll(Enumerable.Range(0, n).Select(_ => world.DeliverAsync(eventId, "checkout.session.completed", session)))
                : await SequentiallyAsync(n, () => world.DeliverAsync(eventId, "checkout.session.completed", session));
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            Assert.Equal(ObligationState.Paid, (await world.ReloadAsync(obligation)).State);
            copies += n;
        }

        Assert.Equal(2, await world.PaymentsConfirmedAsync());
        var audit = await StoreAuditor.AuditChatAsync(world.Host.Store, StripeWorld.ChatKey);
        Assert.True(audit.Holds, string.Join("; ", audit.Problems));
        Scale.Report("duplicates-stripe", ("deliveries", copies), ("effects", 2), ("failures", 0));
    }

    private static async Task<T[]> SequentiallyAsync<T>(int count, Func<Task<T>> send)
    {
        var results = new T[count];
        for (var i = 0; i < count; i++)
        {
            results[i] = await send();
        }

        return results;
    }

    private static async Task AssertOneFlowEachAsync(IGroupPayStore store, string chatKey, params string[] descriptions)
    {
        var flows = await store.RecentFlowsAsync(chatKey, int.MaxValue, openOnly: false);
        foreach (var description in descriptions)
        {
            Assert.Single(flows, f => f.Description == description);
            var flow = flows.Single(f => f.Description == description);
            Assert.Equal(2, (await store.ObligationsAsync(chatKey, flow.Number, openOnly: false)).Count);
        }

        var audit = await StoreAuditor.AuditChatAsync(store, chatKey);
        Assert.True(audit.Holds, string.Join("; ", audit.Problems));
    }
}
