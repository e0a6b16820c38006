using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace GroupPay.Bench.LoadTest;

/// <summary>One callback button of the newest card in a chat, as the load generator may press it.</summary>
public sealed record Button(string Label, string Data, int MessageId);

/// <summary>
/// A lean fake Telegram Bot API on loopback for the load test. The tests' FakeBotApi keeps every call and copies the list
/// on each read, which suits assertions but not hundreds of thousands of calls; this one keeps per chat only the newest
/// card's buttons (so the generator can press them) and, for end-to-end latency, when a message carrying a probe tag
/// ("q123") arrived.
/// </summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    public const string Token = "123456789:AAH-bench_token-for-the-fake-api";
    public const long BotId = 7172552019;
    public const string BotUsername = "GroupPayBenchBot";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<long, Button[]> cards = new();
    private readonly ConcurrentDictionary<long, long> probes = new();
    private int nextMessageId = 1000;
    private long calls;

    private FakeTelegram(int port)
    {
        Port = port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        app = builder.Build();
        app.MapPost("/bot{token}/{method}", HandleAsync);
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public long Calls => Interlocked.Read(ref calls);

    public static async Task<FakeTelegram> StartAsync()
    {
        var fake = new FakeTelegram(FreePort());
        await fake.app.StartAsync();
        return fake;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Button[] CardOf(long chatId) => cards.TryGetValue(chatId, out var buttons) ? buttons : [];

    /// <summary>When (<see cref="Stopwatch"/> ticks) the message carrying probe tag <paramref name="probe"/> arrived, if it did.</summary>
    public bool TryGetProbe(long probe, out long arrivedAt) => probes.TryGetValue(probe, out arrivedAt);

    private async Task HandleAsync(string token, string method, HttpRequest request)
    {
        var arrived = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref calls);
        var response = request.HttpContext.Response;
        response.ContentType = "application/json";
        if (token != Token)
        {
            response.StatusCode = 401;
            await response.WriteAsync("""{"ok":false,"error_code":401,"description":"Unauthorized"}""");
            return;
        }

        using var body = request.ContentLength is not 0 && request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true
            ? await JsonDocument.ParseAsync(request.Body)
            : JsonDocument.Parse("{}");
        var p = body.RootElement;
        var chatId = p.TryGetProperty("chat_id", out var chat) ? ChatId(chat) : 0;
        switch (method)
        {
            case "getMe":
                await response.WriteAsync($$$"""{"ok":true,"result":{"id":{{{BotId}}},"is_bot":true,"first_name":"GroupPay","username":"{{{BotUsername}}}"}}""");
                return;
            case "getChatAdministrators":
                await response.WriteAsync("""{"ok":true,"result":[]}""");
                return;
            case "sendMessage":
            case "sendDocument":
                var id = Interlocked.Increment(ref nextMessageId);
                Record(chatId, id, p, arrived);
                await response.WriteAsync(MessageJson(chatId, id));
                return;
            case "editMessageText":
            case "editMessageReplyMarkup":
                var edited = p.TryGetProperty("message_id", out var mid) ? mid.GetInt32() : 0;
                Record(chatId, edited, p, arrived);
                await response.WriteAsync(MessageJson(chatId, edited));
                return;
            default:
                await response.WriteAsync("""{"ok":true,"result":true}""");
                return;
        }
    }

    private void Record(long chatId, int messageId, JsonElement p, long arrived)
    {
        if (p.TryGetProperty("text", out var text) && text.GetString() is { } value)
        {
            var at = value.IndexOf(" q", StringComparison.Ordinal);
            while (at >= 0)
            {
                var end = at + 2;
                while (end < value.Length && char.IsAsciiDigit(value[end]))
                {
                    end++;
                }

                if (end > at + 2 && long.TryParse(value.AsSpan(at + 2, end - at - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var probe))
                {
                    probes.TryAdd(probe, arrived);
                }

                at = value.IndexOf(" q", end, StringComparison.Ordinal);
            }
        }

        if (p.TryGetProperty("reply_markup", out var markup) && markup.ValueKind == JsonValueKind.Object
            && markup.TryGetProperty("inline_keyboard", out var rows))
        {
            var buttons = new List<Button>();
            foreach (var row in rows.EnumerateArray())
            {
                foreach (var button in row.EnumerateArray())
                {
                    if (button.TryGetProperty("callback_data", out var data))
                    {
                        buttons.Add(new Button(button.GetProperty("text").GetString() ?? "", data.GetString() ?? "", messageId));
                    }
                }
            }

            cards[chatId] = [.. buttons];
        }
    }

    private static long ChatId(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString() ?? "0", CultureInfo.InvariantCulture);

    private static string MessageJson(long chatId, int messageId) =>
        $$$"""{"ok":true,"result":{"message_id":{{{messageId}}},"date":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},"chat":{"id":{{{chatId}}},"type":"supergroup","title":"Bench"},"from":{"id":{{{BotId}}},"is_bot":true,"first_name":"GroupPay","username":"{{{BotUsername}}}"},"text":"card"}}""";

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
