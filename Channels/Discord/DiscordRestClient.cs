using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupPay.Channels.Discord;

/// <summary>Discord refused a request; the message names the route, never a token.</summary>
public sealed class DiscordApiException(HttpStatusCode status, string route, string? detail)
    : Exception($"Discord answered {(int)status} to {route}{(detail is null ? "" : ": " + detail)}")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// Discord's REST API as the bot needs it. Honours the per-route <c>X-RateLimit-Remaining</c> /
/// <c>X-RateLimit-Reset-After</c> headers (waits before a request into an exhausted bucket), and on 429 waits
/// <c>retry_after</c> and tries again. The bot token is only ever put in the Authorization header.
/// </summary>
public sealed class DiscordRestClient
{
    public const string HttpClientName = "discord";
    private const int MaxRetries = 4;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private readonly HttpClient http;
    private readonly DiscordOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<DiscordRestClient> logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> exhaustedUntil = new(StringComparer.Ordinal);
    private DateTimeOffset globalUntil;

    public DiscordRestClient(IHttpClientFactory factory, IOptions<DiscordOptions> options, TimeProvider time, ILogger<DiscordRestClient> logger)
    {
        http = factory.CreateClient(HttpClientName);
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
    }

    public string? ApplicationId => options.ApplicationId;
    public bool HasBotToken => !string.IsNullOrWhiteSpace(options.BotToken);

    /// <summary>
    /// Sends one request. <paramref name="route"/> names it in logs and errors (it must hold no token);
    /// <paramref name="path"/> is the real path below the API base and keys its rate-limit bucket.
    /// </summary>
    public async Task<JsonNode?> SendAsync(HttpMethod method, string route, string path, JsonNode? body, bool botAuth, CancellationToken ct,
        (string FileName, string Content)? file = null)
    {
        var bucket = method.Method + " " + path;
        for (var attempt = 0; ; attempt++)
        {
            await WaitForBucketAsync(bucket, ct);
            using var request = new HttpRequestMessage(method, options.BaseUrl + "/" + path.TrimStart('/'));
            request.Headers.UserAgent.ParseAdd("DiscordBot (https://github.com/grouppay/grouppay, 1.0)");
            if (botAuth)
            {
                if (!HasBotToken)
                {
                    throw new InvalidOperationException($"Discord:BotToken is not set; {route} needs it.");
                }

                request.Headers.Authorization = new AuthenticationHeaderValue("Bot", options.BotToken);
            }

            request.Content = Content(body, file);
            using var response = await http.SendAsync(request, ct);
            Remember(bucket, response);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxRetries)
            {
                var wait = RetryAfter(response, text);
                logger.LogWarning("Discord rate-limited {Route}; retrying in {Seconds:0.###} s", route, wait.TotalSeconds);
                await Task.Delay(wait, time, ct);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new DiscordApiException(response.StatusCode, route, Detail(text));
            }

            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
    }

    private static HttpContent? Content(JsonNode? body, (string FileName, string Content)? file)
    {
        if (file is not { } attachment)
        {
            return body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        var payload = (body ?? new JsonObject()).AsObject();
        payload["attachments"] = new JsonArray(new JsonObject { ["id"] = 0, ["filename"] = attachment.FileName });
        var multipart = new MultipartFormDataContent
        {
            { new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"), "payload_json" },
        };
        var fileContent = new ByteArrayContent(Encoding.UTF8.GetBytes(attachment.Content));
        fileContent.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        multipart.Add(fileContent, "files[0]", attachment.FileName);
        return multipart;
    }

    private async Task WaitForBucketAsync(string bucket, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var until = globalUntil;
        if (exhaustedUntil.TryGetValue(bucket, out var routeUntil) && routeUntil > until)
        {
            until = routeUntil;
        }

        if (until > now)
        {
            var wait = until - now;
            await Task.Delay(wait > MaxWait ? MaxWait : wait, time, ct);
        }
    }

    private void Remember(string bucket, HttpResponseMessage response)
    {
        if (Header(response, "X-RateLimit-Remaining") is { } remaining && remaining == "0"
            && Header(response, "X-RateLimit-Reset-After") is { } resetAfter
            && double.TryParse(resetAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            exhaustedUntil[bucket] = time.GetUtcNow() + Clamp(seconds);
        }
        else
        {
            exhaustedUntil.TryRemove(bucket, out _);
        }
    }

    private TimeSpan RetryAfter(HttpResponseMessage response, string body)
    {
        double? seconds = null;
        var global = string.Equals(Header(response, "X-RateLimit-Global"), "true", StringComparison.OrdinalIgnoreCase);
        try
        {
            if (JsonNode.Parse(body) is JsonObject json)
            {
                if (json["retry_after"] is JsonValue value && value.TryGetValue<double>(out var parsed))
                {
                    seconds = parsed;
                }

                global |= json["global"] is JsonValue flag && flag.TryGetValue<bool>(out var isGlobal) && isGlobal;
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the Retry-After header.
        }

        if (seconds is null && double.TryParse(Header(response, "Retry-After"), NumberStyles.Float, CultureInfo.InvariantCulture, out var header))
        {
            seconds = header;
        }

        var wait = Clamp(seconds ?? 1);
        if (global)
        {
            globalUntil = time.GetUtcNow() + wait;
        }

        return wait;
    }

    private static TimeSpan Clamp(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, MaxWait.TotalSeconds)) : TimeSpan.Zero;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? Detail(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body)?["message"]?.GetValue<string>();
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
