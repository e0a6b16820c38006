using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GroupPay.IntegrationTests.Telegram;

/// <summary>A fault the fake injects into a message call: a 5xx, or an answer held back past the client's timeout, before or after the call took effect.</summary>
public enum SendFault { ServerError, TimeoutBeforeEffect, TimeoutAfterEffect }

/// <summary>One Bot API call as the fake received it; <see cref="Status"/> is what it answered.</summary>
public sealed record ApiCall(string Method, JsonObject Params, int Status, DateTimeOffset At, int? MessageId, int? RetryAfter = null)
{
    /// <summary>The host asked for this call in the body of a webhook reply rather than calling the API.</summary>
    public bool ViaWebhookReply { get; init; }

    public long? ChatId => Params["chat_id"] is { } id ? long.Parse(id.ToString(), CultureInfo.InvariantCulture) : null;
    public string? Text => Params["text"]?.GetValue<string>();
    public JsonArray? Keyboard => Params["reply_markup"]?["inline_keyboard"]?.AsArray();

    public IEnumerable<JsonObject> Buttons => Keyboard?.SelectMany(row => row!.AsArray()).Select(b => b!.AsObject()) ?? [];
}

/// <summary>
/// A fake Telegram Bot API on a real loopback port: <c>POST /bot{token}/{method}</c>, JSON or multipart, answers like
/// Telegram (messages with ids, 400 "message is not modified", 403 for chats that removed the bot, 429 with retry_after
/// above a per-group limit of messages per window), records every call, and serves <c>getUpdates</c> from a queue.
/// </summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const string Token = "123456789:AAH-test_token-for-the-fake-api";
    public const long BotId = 7172552019;
    public const string BotUsername = "GroupPayTestBot";

    private static readonly string[] MessageMethods = ["sendMessage", "editMessageText", "sendDocument", "editMessageReplyMarkup", "sendInvoice"];
    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly List<ApiCall> calls = [];
    private readonly List<SendFault> injected = [];
    private readonly Dictionary<long, Dictionary<int, (string Text, string? Markup)>> messages = [];
    private readonly Dictionary<long, (DateTimeOffset Start, int Count)> windows = [];
    private readonly List<JsonObject> updates = [];
    private readonly HashSet<long> forbidden = [];
    private readonly Dictionary<long, int> limitOverrides = [];
    private readonly Dictionary<long, long[]> admins = [];
    private int nextMessageId = 1000;
    private long confirmedBelow;
    private TaskCompletionSource updatesArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource confirmed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeBotApi(int port)
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
    /// <summary>Messages a group may receive per <see cref="GroupWindow"/> (Telegram: 20 a minute).</summary>
    public int GroupLimit { get; set; } = 20;
    public TimeSpan GroupWindow { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Decides, per message call (method name), whether to inject a fault; null = none.</summary>
    public Func<string, SendFault?>? Faults { get; set; }
    /// <summary>How long a "timeout" fault holds its answer back (longer than the client waits).</summary>
    public TimeSpan FaultDelay { get; set; } = TimeSpan.FromSeconds(3);
    public IReadOnlyList<SendFault> InjectedFaults
    {
        get
        {
            lock (gate)
            {
                return [.. injected];
            }
        }
    }

    public static async Task<FakeBotApi> StartAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var fake = new FakeBotApi(port);
        await fake.app.StartAsync();
        return fake;
    }

    public IReadOnlyList<ApiCall> Calls
    {
        get
        {
            lock (gate)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>Calls that sent or changed a message in <paramref name="chatId"/> and were accepted.</summary>
    public IReadOnlyList<ApiCall> Delivered(long chatId) =>
        Calls.Where(c => c.ChatId == chatId && MessageMethods.Contains(c.Method) && c.Status == 200).ToList();

    public IReadOnlyList<ApiCall> Answers => Calls.Where(c => c.Method == "answerCallbackQuery").ToList();

    /// <summary>
    /// Runs the method a webhook reply carries, as Telegram does with the body of a 200 ("making requests when getting
    /// updates"); the host answers button presses that way. Recorded like any call, with <see cref="ApiCall.ViaWebhookReply"/>.
    /// </summary>
    public void RunWebhookReply(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || JsonNode.Parse(body) is not JsonObject reply || reply["method"]?.GetValue<string>() is not { } method)
        {
            return;
        }

        reply.Remove("method");
        lock (gate)
        {
            calls.Add(new ApiCall(method, reply, 200, DateTimeOffset.UtcNow, null) { ViaWebhookReply = true });
        }
    }

    /// <summary>The text of a message as the chat shows it now.</summary>
    public string? MessageText(long chatId, int messageId)
    {
        lock (gate)
        {
            return messages.TryGetValue(chatId, out var chat) && chat.TryGetValue(messageId, out var message) ? message.Text : null;
        }
    }

    public void SetAdmins(long chatId, params long[] userIds)
    {
        lock (gate)
        {
            admins[chatId] = userIds;
        }
    }

    public void Forbid(long chatId)
    {
        lock (gate)
        {
            forbidden.Add(chatId);
        }
    }

    /// <summary>A slow-mode group: fewer messages per window than Telegram's usual limit.</summary>
    public void LimitGroup(long chatId, int perWindow)
    {
        lock (gate)
        {
            limitOverrides[chatId] = perWindow;
        }
    }

    /// <summary>Queues an update for <c>getUpdates</c> and waits until the bot confirmed it with a higher offset.</summary>
    public async Task DeliverByPollingAsync(params string[] updateJson)
    {
        long highest;
        lock (gate)
        {
            foreach (var json in updateJson)
            {
                updates.Add(JsonNode.Parse(json)!.AsObject());
            }

            highest = updates.Max(u => u["update_id"]!.GetValue<long>());
            updatesArrived.TrySetResult();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (confirmedBelow > highest)
                {
                    return;
                }

                wait = confirmed.Task;
            }

            await wait.WaitAsync(timeout.Token);
        }
    }

    private async Task<IResult> HandleAsync(string token, string method, HttpRequest request)
    {
        if (token != Token)
        {
            return Error(401, "Unauthorized");
        }

        var parameters = await ReadParametersAsync(request);
        if (method == "getUpdates")
        {
            return await GetUpdatesAsync(parameters);
        }

        var fault = MessageMethods.Contains(method) ? Faults?.Invoke(method) : null;
        if (fault is not null)
        {
            lock (gate)
            {
                injected.Add(fault.Value);
            }
        }

        switch (fault)
        {
            case SendFault.ServerError:
                lock (gate)
                {
                    calls.Add(new ApiCall(method, parameters, 502, DateTimeOffset.UtcNow, null));
                }

                return Error(502, "Bad Gateway");
            case SendFault.TimeoutBeforeEffect:
                await Task.Delay(FaultDelay);
                return Error(504, "Gateway Timeout");
        }

        IResult answer;
        lock (gate)
        {
            var (status, result, messageId) = Answer(method, parameters, out var retryAfter);
            calls.Add(new ApiCall(method, parameters, status, DateTimeOffset.UtcNow, messageId, retryAfter));
            answer = result;
        }

        if (fault == SendFault.TimeoutAfterEffect)
        {
            await Task.Delay(FaultDelay);
        }

        return answer;
    }

    private (int Status, IResult Result, int? MessageId) Answer(string method, JsonObject p, out int? retryAfterSent)
    {
        retryAfterSent = null;
        {
            var chatId = p["chat_id"] is { } id ? long.Parse(id.ToString(), CultureInfo.InvariantCulture) : 0;
            if (MessageMethods.Contains(method))
            {
                if (forbidden.Contains(chatId))
                {
                    return (403, Error(403, "Forbidden: bot was kicked from the supergroup chat"), null);
                }

                if (chatId < 0 && OverLimit(chatId, out var retryAfter))
                {
                    retryAfterSent = retryAfter;
                    return (429, Error(429, $"Too Many Requests: retry after {retryAfter}", new JsonObject { ["retry_after"] = retryAfter }), null);
                }
            }

            switch (method)
            {
                case "getMe":
                    return Ok(new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "GroupPay", ["username"] = BotUsername });
                case "sendMessage":
                case "sendDocument":
                    var text = p["text"]?.GetValue<string>() ?? p["caption"]?.GetValue<string>() ?? "";
                    var messageId = nextMessageId++;
                    Chat(chatId)[messageId] = (text, p["reply_markup"]?.ToJsonString());
                    return Ok(Message(chatId, messageId, text), messageId);
                case "sendInvoice":
                    var invoiceId = nextMessageId++;
                    var title = p["title"]?.GetValue<string>() ?? "";
                    Chat(chatId)[invoiceId] = (title, null);
                    return Ok(Message(chatId, invoiceId, title), invoiceId);
                case "editMessageText":
                    var editId = p["message_id"]!.GetValue<int>();
                    if (!Chat(chatId).TryGetValue(editId, out var current))
                    {
                        return (400, Error(400, "Bad Request: message to edit not found"), null);
                    }

                    var newText = p["text"]!.GetValue<string>();
                    var markup = p["reply_markup"]?.ToJsonString();
                    if (current.Text == newText && current.Markup == markup)
                    {
                        return (400, Error(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"), null);
                    }

                    Chat(chatId)[editId] = (newText, markup);
                    return Ok(Message(chatId, editId, newText), editId);
                case "getChatAdministrators":
                    var list = new JsonArray();
                    foreach (var (userId, index) in admins.GetValueOrDefault(chatId, []).Select((u, i) => (u, i)))
                    {
                        list.Add(new JsonObject
                        {
                            ["status"] = index == 0 ? "creator" : "administrator",
                            ["user"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "Admin" },
                        });
                    }

                    return Ok(list);
                default:
                    return Ok(JsonValue.Create(true));
            }
        }
    }

    /// <summary>A fixed window per group: above the limit, 429 with the seconds left in the window.</summary>
    private bool OverLimit(long chatId, out int retryAfter)
    {
        var now = DateTimeOffset.UtcNow;
        var (start, count) = windows.GetValueOrDefault(chatId, (now, 0));
        if (now - start >= GroupWindow)
        {
            (start, count) = (now, 0);
        }

        var limit = limitOverrides.GetValueOrDefault(chatId, GroupLimit);
        if (count >= limit)
        {
            windows[chatId] = (start, count);
            retryAfter = Math.Max(1, (int)Math.Ceiling((start + GroupWindow - now).TotalSeconds));
            return true;
        }

        windows[chatId] = (start, count + 1);
        retryAfter = 0;
        return false;
    }

    private async Task<IResult> GetUpdatesAsync(JsonObject p)
    {
        var offset = p["offset"]?.GetValue<long>() ?? 0;
        var timeout = TimeSpan.FromSeconds(Math.Min(p["timeout"]?.GetValue<int>() ?? 0, 2));
        Task arrived;
        lock (gate)
        {
            if (offset > confirmedBelow)
            {
                confirmedBelow = offset;
                updates.RemoveAll(u => u["update_id"]!.GetValue<long>() < offset);
                confirmed.TrySetResult();
                confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (updates.Count == 0)
            {
                updatesArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            arrived = updatesArrived.Task;
        }

        await Task.WhenAny(arrived, Task.Delay(timeout));
        lock (gate)
        {
            var batch = new JsonArray();
            foreach (var update in updates.OrderBy(u => u["update_id"]!.GetValue<long>()).Take(100))
            {
                batch.Add(update.DeepClone());
            }

            return Ok(batch).Result;
        }
    }

    private Dictionary<int, (string Text, string? Markup)> Chat(long chatId)
    {
        if (!messages.TryGetValue(chatId, out var chat))
        {
            messages[chatId] = chat = [];
        }

        return chat;
    }

    private static JsonObject Message(long chatId, int messageId, string text) => new()
    {
        ["message_id"] = messageId,
        ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatId < 0 ? "supergroup" : "private" },
        ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "GroupPay", ["username"] = BotUsername },
        ["text"] = text,
    };

    private static (int, IResult Result, int?) Ok(JsonNode result, int? messageId = null) =>
        (200, Results.Text(new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString(), "application/json"), messageId);

    private static IResult Error(int code, string description, JsonObject? parameters = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (parameters is not null)
        {
            body["parameters"] = parameters;
        }

        return Results.Text(body.ToJsonString(), "application/json", statusCode: code);
    }

    private static async Task<JsonObject> ReadParametersAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var result = new JsonObject();
            foreach (var (key, value) in form)
            {
                var text = value.ToString();
                result[key] = text.StartsWith('{') || text.StartsWith('[') ? JsonNode.Parse(text) : text;
            }

            foreach (var file in form.Files)
            {
                using var reader = new StreamReader(file.OpenReadStream());
                var uploaded = new JsonObject { ["file_name"] = file.FileName, ["content"] = await reader.ReadToEndAsync() };
                var field = result.FirstOrDefault(f => f.Value?.GetValueKind() == JsonValueKind.String && f.Value.GetValue<string>() == "attach://" + file.Name).Key;
                result[field ?? file.Name] = uploaded;
            }

            return result;
        }

        if (request.ContentLength is 0 || request.ContentType is null)
        {
            return [];
        }

        return (await JsonNode.ParseAsync(request.Body))?.AsObject() ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
