using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace GroupPay.IntegrationTests.Discord;

/// <summary>One REST call the bot made to the fake Discord API.</summary>
public sealed record RestCall(string Method, string Path, string? Authorization, string Body, JsonNode? Json);

/// <summary>
/// A stand-in for Discord over real HTTP on loopback: its REST API (command registration, channel messages, the
/// interaction webhooks) records every call and keeps the messages, and it posts signed interactions to the bot and
/// turns the bot's answers into messages, as Discord does.
/// </summary>
public sealed class FakeDiscord : IAsyncDisposable
{
    public const string ApplicationId = "1000000000000000001";
    public const string BotToken = "fake-bot-token-not-secret";
    public const string GuildId = "2000000000000000002";
    public const string ChannelId = "3000000000000000003";

    /// <summary>RFC 8032 §7.1 TEST 1 key pair: the interactions are signed with it.</summary>
    public static readonly byte[] SecretKey = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    public const string PublicKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    private readonly HttpListener listener;
    private readonly Task loop;
    private readonly ConcurrentQueue<RestCall> calls = new();
    private readonly ConcurrentDictionary<string, JsonObject> messages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> originals = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<int> rateLimitNext = new();
    private long nextId = 5000000000000000000;
    private long nextInteraction = 7000000000000000000;

    private FakeDiscord(int port)
    {
        BaseUrl = $"http://127.0.0.1:{port}/api/v10";
        listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    private readonly Dictionary<string, string> nonces = [];
    private int loseNextCreate;
    private int channelMessagesCreated;

    public string BaseUrl { get; }
    public IReadOnlyList<RestCall> Calls => calls.ToList();

    /// <summary>
    /// An <see cref="HttpListener"/>, not a second ASP.NET Core host: <c>WebApplicationFactory</c> attaches to the next
    /// host built in the process, which could be this one when test classes start in parallel.
    /// </summary>
    public static Task<FakeDiscord> StartAsync() => Task.FromResult(new FakeDiscord(FreePort()));

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await HandleAsync(context);
                }
                finally
                {
                    context.Response.Close();
                }
            });
        }
    }

    /// <summary>The next REST call gets a 429 with this <c>retry_after</c> (ms), once per queued value.</summary>
    public void RateLimitNext(int retryAfterMs) => rateLimitNext.Enqueue(retryAfterMs);

    /// <summary>The next message created in a channel is made, but its answer is lost (a 502 reaches the bot).</summary>
    public void LoseNextCreateAnswer() => Interlocked.Exchange(ref loseNextCreate, 1);

    /// <summary>Messages created in channels, repeats returned for an enforced nonce not counted.</summary>
    public int ChannelMessagesCreated => Volatile.Read(ref channelMessagesCreated);

    public JsonObject Message(string messageRef) => messages[messageRef.Split('/')[1]];

    public IEnumerable<RestCall> CallsTo(string method, string pathContains) =>
        Calls.Where(c => c.Method == method && c.Path.Contains(pathContains, StringComparison.Ordinal));

    /// <summary>Waits until a call matching <paramref name="match"/> has been recorded (the outbox delivers after the turn).</summary>
    public async Task<RestCall> WaitForAsync(Func<RestCall, bool> match, string what)
    {
        for (var i = 0; i < 200; i++)
        {
            if (Calls.FirstOrDefault(match) is { } call)
            {
                return call;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Discord never received {what}. Calls: {string.Join(", ", Calls.Select(c => c.Method + " " + c.Path))}");
    }

    public static string Sign(string timestamp, byte[] body)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(SecretKey, 0));
        var message = Encoding.UTF8.GetBytes(timestamp).Concat(body).ToArray();
        signer.BlockUpdate(message, 0, message.Length);
        return Convert.ToHexStringLower(signer.GenerateSignature());
    }

    public static JsonObject Member(string userId, string name, string permissions = "0") => new()
    {
        ["user"] = new JsonObject { ["id"] = userId, ["username"] = name.ToLowerInvariant(), ["global_name"] = name },
        ["roles"] = new JsonArray(),
        ["permissions"] = permissions,
    };

    public JsonObject SlashCommand(JsonObject member, string name, params (string Name, int Type, JsonNode Value)[] options) => new()
    {
        ["id"] = NextInteractionId(), ["application_id"] = ApplicationId, ["type"] = 2, ["token"] = "itoken-" + Guid.NewGuid().ToString("N"),
        ["version"] = 1, ["guild_id"] = GuildId, ["channel_id"] = ChannelId, ["member"] = member.DeepClone(),
        ["data"] = new JsonObject
        {
            ["id"] = "900", ["name"] = name, ["type"] = 1,
            ["options"] = new JsonArray(options.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["type"] = o.Type, ["value"] = o.Value }).ToArray()),
        },
    };

    public JsonObject ButtonPress(JsonObject member, string messageRef, string customId) => new()
    {
        ["id"] = NextInteractionId(), ["application_id"] = ApplicationId, ["type"] = 3, ["token"] = "itoken-" + Guid.NewGuid().ToString("N"),
        ["version"] = 1, ["guild_id"] = GuildId, ["channel_id"] = ChannelId, ["member"] = member.DeepClone(),
        ["message"] = new JsonObject { ["id"] = messageRef.Split('/')[1], ["channel_id"] = messageRef.Split('/')[0] },
        ["data"] = new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 },
    };

    /// <summary>
    /// Posts a signed interaction to the bot as Discord does and applies the answer: a type 4 answer becomes the
    /// original message of the interaction token, a type 7 answer edits the pressed message.
    /// </summary>
    public async Task<InteractionAnswer> SendAsync(HttpClient bot, JsonObject interaction, string? timestamp = null)
    {
        var body = Encoding.UTF8.GetBytes(interaction.ToJsonString());
        timestamp ??= DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/discord/interactions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Signature-Ed25519", Sign(timestamp, body));
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        using var response = await bot.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.IsSuccessStatusCode && text.Length > 0 ? JsonNode.Parse(text)!.AsObject() : null;
        var token = interaction["token"]!.GetValue<string>();
        var type = json?["type"]?.GetValue<int>();
        if (type == 4 && json!["data"] is JsonObject data)
        {
            var message = NewMessage(ChannelId, data);
            originals.GetOrAdd(token, _ => new()).TrySetResult(message["id"]!.GetValue<string>());
        }
        else if (type == 7 && json!["data"] is JsonObject update && interaction["message"]?["id"]?.GetValue<string>() is { } pressed)
        {
            Apply(messages[pressed], update);
        }

        return new InteractionAnswer(response.StatusCode, json, token);
    }

    private string NextInteractionId() => Interlocked.Increment(ref nextInteraction).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Discord's <c>enforce_nonce</c>: a message whose nonce an earlier message of the bot carried (within a few minutes)
    /// is not made again; the earlier one is returned.
    /// </summary>
    private JsonObject CreateInChannel(string channelId, JsonObject data)
    {
        lock (nonces)
        {
            var nonce = data["nonce"]?.ToString();
            if (nonce is not null && data["enforce_nonce"]?.GetValue<bool>() == true && nonces.TryGetValue(nonce, out var existing))
            {
                return messages[existing];
            }

            var message = NewMessage(channelId, data);
            Interlocked.Increment(ref channelMessagesCreated);
            if (nonce is not null)
            {
                nonces[nonce] = message["id"]!.GetValue<string>();
            }

            return message;
        }
    }

    private JsonObject NewMessage(string channelId, JsonObject data)
    {
        var id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = new JsonObject { ["id"] = id, ["channel_id"] = channelId };
        Apply(message, data);
        messages[id] = message;
        return message;
    }

    private static void Apply(JsonObject message, JsonObject data)
    {
        foreach (var (key, value) in data)
        {
            message[key] = value?.DeepClone();
        }
    }

    private async Task HandleAsync(HttpListenerContext http)
    {
        using var reader = new StreamReader(http.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = http.Request.Url!.AbsolutePath + http.Request.Url.Query;
        JsonNode? json = null;
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true && body.Length > 0)
        {
            json = JsonNode.Parse(body);
        }

        calls.Enqueue(new RestCall(http.Request.HttpMethod, path, http.Request.Headers["Authorization"] is { Length: > 0 } auth ? auth : null, body, json));
        if (rateLimitNext.TryDequeue(out var retryAfterMs))
        {
            http.Response.Headers["X-RateLimit-Scope"] = "user";
            await WriteAsync(http.Response, 429, new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = retryAfterMs / 1000.0, ["global"] = false });
            return;
        }

        var segments = http.Request.Url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[2..];
        var method = http.Request.HttpMethod;
        JsonObject? answer = (method, segments) switch
        {
            ("PUT", ["applications", _, "commands"]) or ("PUT", ["applications", _, "guilds", _, "commands"]) => new JsonObject { ["ok"] = true },
            ("POST", ["channels", var channel, "messages"]) => CreateInChannel(channel, Data(json, body)),
            ("PATCH", ["channels", _, "messages", var id]) when messages.TryGetValue(id, out var message) => Edit(message, Data(json, body)),
            ("POST", ["webhooks", _, _]) => NewMessage(ChannelId, Data(json, body)),
            ("GET", ["webhooks", _, var token, "messages", "@original"]) => await OriginalAsync(token),
            ("PATCH", ["webhooks", _, var token, "messages", "@original"]) => await EditOriginalAsync(token, Data(json, body)),
            _ => null,
        };
        if (answer is null)
        {
            await WriteAsync(http.Response, 404, new JsonObject { ["message"] = "Unknown Message", ["code"] = 10008 });
            return;
        }

        if (method == "POST" && segments is ["channels", _, "messages"] && Interlocked.Exchange(ref loseNextCreate, 0) == 1)
        {
            await WriteAsync(http.Response, 502, new JsonObject { ["message"] = "Bad Gateway" });
            return;
        }

        http.Response.Headers["X-RateLimit-Limit"] = "5";
        http.Response.Headers["X-RateLimit-Remaining"] = "4";
        http.Response.Headers["X-RateLimit-Reset-After"] = "1";
        await WriteAsync(http.Response, 200, answer);
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    private static JsonObject Data(JsonNode? json, string body) =>
        json as JsonObject ?? new JsonObject { ["multipart"] = body };

    private static JsonObject Edit(JsonObject message, JsonObject data)
    {
        Apply(message, data);
        return message;
    }

    private async Task<JsonObject?> OriginalAsync(string token)
    {
        var waiting = originals.GetOrAdd(token, _ => new());
        var id = await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return messages[id];
    }

    private async Task<JsonObject?> EditOriginalAsync(string token, JsonObject data)
    {
        var waiting = originals.GetOrAdd(token, _ => new());
        if (!waiting.Task.IsCompleted)
        {
            var created = NewMessage(ChannelId, data);
            waiting.TrySetResult(created["id"]!.GetValue<string>());
            return created;
        }

        return Edit(messages[await waiting.Task], data);
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What the bot answered to an interaction.</summary>
public sealed record InteractionAnswer(HttpStatusCode Status, JsonObject? Json, string Token)
{
    public int Type => Json!["type"]!.GetValue<int>();
    public JsonObject Data => Json!["data"]!.AsObject();
    public string Content => Data["content"]!.GetValue<string>();
    public bool IsEphemeral => Data["flags"]?.GetValue<int>() == 64;

    public IEnumerable<JsonObject> Buttons => ButtonsOf(Data);

    public static IEnumerable<JsonObject> ButtonsOf(JsonObject message) =>
        (message["components"] as JsonArray ?? []).SelectMany(row => row!["components"]!.AsArray()).Select(b => b!.AsObject());

    public static string CustomId(JsonObject message, string label) =>
        ButtonsOf(message).First(b => b["label"]!.GetValue<string>().Contains(label, StringComparison.Ordinal))["custom_id"]!.GetValue<string>();
}
