using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using LiteDB;

namespace GroupPay.Bench.LoadTest;

/// <summary>
/// The baseline endpoint of reference/perf-reliability.md §2.2, run as its own process: Kestrel, a constant-time secret
/// check, a parse of the Telegram update, and one LiteDB insert-if-absent per update (one auto-commit transaction,
/// serialised by a lock), then 200. What no bot can beat without grouping writes.
/// <para>
/// LiteDB 5.0.21 does not flush its log file to the disk at a commit (the insert survives the process, not a power cut).
/// With <c>flush</c> each insert is also flushed to the disk before the 200, as the host flushes each group commit
/// (docs/decisions/0005-flush-the-litedb-log.md): the power-safe form of the same endpoint.
/// </para>
/// <para>
/// With a Bot API address (<c>send</c>) it also sends one message per update after the 200, from a queue drained by a
/// few senders, as a bot's outbox does (the text is the update's, so the load test's end-to-end probes match): the least
/// any bot that answers in the chat does per update, on top of the durable write.
/// </para>
/// </summary>
public static class BaselineServer
{
    public const string Secret = "bench-webhook-secret_0123456789";

    private const int Senders = 16;

    public static async Task RunAsync(int port, string dbPath, bool flush, string? sendTo = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        using var db = new LiteDatabase(new ConnectionString { Filename = dbPath, Connection = ConnectionType.Direct });
        var inbox = db.GetCollection("inbox");
        var gate = new Lock();
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(Secret));
        var logPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath))!, Path.GetFileNameWithoutExtension(dbPath) + "-log" + Path.GetExtension(dbPath));
        FileStream? log = null;
        var outbox = Channel.CreateUnbounded<(long Chat, string Text)>();
        using var botApi = new HttpClient { BaseAddress = sendTo is null ? null : new Uri(sendTo) };
        var senders = sendTo is null ? [] : Enumerable.Range(0, Senders).Select(_ => Task.Run(() => SendAllAsync(outbox.Reader, botApi))).ToArray();

        app.MapGet("/healthz", () => "ok");
        app.MapGet("/gc", () => $"{GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalAllocatedBytes()}");
        app.MapPost("/api/telegram/webhook", async (HttpRequest request) =>
        {
            var presented = request.Headers["X-Telegram-Bot-Api-Secret-Token"].ToString();
            if (presented.Length == 0 || !CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented))))
            {
                return Results.Unauthorized();
            }

            using var update = await JsonDocument.ParseAsync(request.Body);
            if (!update.RootElement.TryGetProperty("update_id", out var id))
            {
                return Results.BadRequest();
            }

            lock (gate)
            {
                var key = id.GetInt64();
                if (inbox.FindById(key) is null)
                {
                    inbox.Insert(new BsonDocument { ["_id"] = key, ["body"] = update.RootElement.GetRawText() });
                    if (flush)
                    {
                        log ??= new FileStream(logPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                        log.Flush(flushToDisk: true);
                    }
                }
            }

            if (sendTo is not null)
            {
                outbox.Writer.TryWrite((ChatOf(update.RootElement), TextOf(update.RootElement)));
            }

            return Results.Ok();
        });
        await app.RunAsync();
        outbox.Writer.Complete();
        await Task.WhenAll(senders);
    }

    private static async Task SendAllAsync(ChannelReader<(long Chat, string Text)> queue, HttpClient botApi)
    {
        await foreach (var (chat, text) in queue.ReadAllAsync())
        {
            try
            {
                using var response = await botApi.PostAsJsonAsync($"/bot{FakeTelegram.Token}/sendMessage", new { chat_id = chat, text });
                await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException)
            {
                // The bench's own fake; a lost message shows as an unmatched probe.
            }
        }
    }

    private static long ChatOf(JsonElement update) =>
        update.TryGetProperty("message", out var message) && message.TryGetProperty("chat", out var chat) ? chat.GetProperty("id").GetInt64()
        : update.TryGetProperty("callback_query", out var press) && press.TryGetProperty("message", out var pressed) ? pressed.GetProperty("chat").GetProperty("id").GetInt64()
        : 0;

    private static string TextOf(JsonElement update) =>
        update.TryGetProperty("message", out var message) && message.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "pressed";
}
