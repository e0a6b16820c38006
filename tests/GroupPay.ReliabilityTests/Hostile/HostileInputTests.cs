using System.Net;
using System.Text;
using GroupPay.BotHost.Telegram;
using GroupPay.IntegrationTests.Telegram;

namespace GroupPay.ReliabilityTests.Hostile;

/// <summary>
/// Hostile bodies on every inbound endpoint (Telegram webhook with its secret, Bot Framework, Discord, sandbox and Stripe
/// webhooks, the playground API): a 1 MB body, deeply nested JSON, invalid UTF-8 and unknown update types are refused
/// or ignored — never a 5xx, and nothing is stored.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string[] Endpoints =
    [
        TelegramHosting.WebhookPath, "/api/messages", "/api/discord/interactions", "/api/payments/sandbox/webhook",
        "/api/payments/stripe/webhook", "/api/playground/groups",
    ];

    public static TheoryData<string> Bodies() => new(
        "one-megabyte", "deeply-nested", "invalid-utf8", "unknown-update-type", "not-json", "empty");

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_bodies_are_refused_or_ignored_without_effect_on_every_inbound_endpoint(string kind)
    {
        await using var telegram = await TelegramHarness.StartAsync("Webhook", extra: [("Payments:Sandbox:WebhookSecret", "hostile-sandbox-secret-0123")]);
        using var client = telegram.Host.Client();
        var body = Body(kind);
        var statuses = new List<string>();
        foreach (var endpoint in Endpoints)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            if (endpoint == TelegramHosting.WebhookPath)
            {
                request.Headers.Add(TelegramHosting.SecretHeader, TelegramHarness.WebhookSecret);
            }

            using var response = await client.SendAsync(request);
            statuses.Add($"{endpoint}={(int)response.StatusCode}");
            Assert.True((int)response.StatusCode < 500, $"{endpoint} answered {(int)response.StatusCode} to {kind}");
        }

        await telegram.DrainAsync();
        Assert.Empty(await telegram.Host.Store.ChatKeysAsync());
        Assert.DoesNotContain(telegram.Fake.Calls, c => c.Method is "sendMessage" or "editMessageText");
        Scale.Report($"hostile-{kind}", ("endpoints", Endpoints.Length), ("effects", 0), ("failures", 0));
        TestContext.Current.SendDiagnosticMessage(string.Join(" ", statuses));
    }

    private static byte[] Body(string kind) => kind switch
    {
        "one-megabyte" => Encoding.UTF8.GetBytes("{\"update_id\":1,\"message\":{\"text\":\"" + new string('a', 1024 * 1024) + "\"}}"),
        "deeply-nested" => Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)),
        "invalid-utf8" => [.. "{\"update_id\":2,\"message\":{\"text\":\"/split 9"u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}}"u8.ToArray()],
        "unknown-update-type" => Encoding.UTF8.GetBytes("{\"update_id\":3,\"chat_boost\":{\"chat\":{\"id\":-100123,\"type\":\"supergroup\"}},\"type\":\"mystery\",\"id\":\"x\"}"),
        "not-json" => Encoding.UTF8.GetBytes("<xml>/split 90 EUR @bob</xml>"),
        _ => [],
    };
}
