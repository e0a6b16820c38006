using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.BotFramework;

/// <summary>A Connector call failed for good (after retries), or was refused.</summary>
public sealed class ConnectorException(string message) : Exception(message);

/// <summary>
/// The Bot Connector REST calls we make (send to a conversation, update an activity), authenticated with a
/// client-credentials token that is cached until shortly before it expires. 429 and 5xx are retried with backoff,
/// honouring <c>Retry-After</c>; a 401 drops the cached token once. In Emulator mode no token is sent.
/// </summary>
public sealed class ConnectorClient(HttpClient http, BotFrameworkOptions options, TimeProvider time, ILogger<ConnectorClient> logger)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim tokenGate = new(1, 1);
    private volatile AccessToken? token;

    /// <summary>Posts a new activity to the conversation; returns the id the channel gave it.</summary>
    public async Task<string?> SendAsync(BotConversation conversation, object activity, CancellationToken ct)
    {
        using var response = await CallAsync(HttpMethod.Post, ActivitiesUrl(conversation, null), activity, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ConnectorException($"The Connector refused a message to a {conversation.ChannelId} conversation: {(int)response.StatusCode}.");
        }

        return await ReadIdAsync(response, ct);
    }

    /// <summary>Replaces an activity (a card edited in place); false when the channel no longer has it.</summary>
    public async Task<bool> UpdateAsync(BotConversation conversation, string activityId, object activity, CancellationToken ct)
    {
        using var response = await CallAsync(HttpMethod.Put, ActivitiesUrl(conversation, activityId), activity, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ConnectorException($"The Connector refused an update in a {conversation.ChannelId} conversation: {(int)response.StatusCode}.");
        }

        return true;
    }

    private static Uri ActivitiesUrl(BotConversation conversation, string? activityId) => new(
        $"{conversation.ServiceUrl.TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(conversation.Id)}/activities"
        + (activityId is null ? "" : "/" + Uri.EscapeDataString(activityId)));

    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, Uri url, object body, CancellationToken ct)
    {
        var refreshedToken = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, body.GetType(), options: ActivityJson.Options) };
            if (!options.EmulatorMode)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(ct));
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (HttpRequestException exception) when (attempt < MaxAttempts)
            {
                logger.LogWarning(exception, "Connector {Method} failed (attempt {Attempt}); retrying", method, attempt);
                await Task.Delay(Backoff(attempt, null), time, ct);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && !options.EmulatorMode && !refreshedToken)
            {
                response.Dispose();
                token = null;
                refreshedToken = true;
                continue;
            }

            if ((response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500) && attempt < MaxAttempts)
            {
                var delay = Backoff(attempt, response.Headers.RetryAfter);
                logger.LogWarning("Connector {Method} answered {Status} (attempt {Attempt}); retrying in {Delay}", method, (int)response.StatusCode, attempt, delay);
                response.Dispose();
                await Task.Delay(delay, time, ct);
                continue;
            }

            return response;
        }
    }

    private TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        var asked = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
        var delay = asked ?? TimeSpan.FromMilliseconds(250 * (1 << attempt));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }

    private static async Task<string?> ReadIdAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ResourceResponse>(text, ActivityJson.Options)?.Id;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A reference type, so a sender on another chat's thread never reads half of one.</summary>
    private sealed record AccessToken(string Value, DateTimeOffset Until);

    private async Task<string> AccessTokenAsync(CancellationToken ct)
    {
        if (token is { } cached && time.GetUtcNow() < cached.Until)
        {
            return cached.Value;
        }

        await tokenGate.WaitAsync(ct);
        try
        {
            if (token is { } raced && time.GetUtcNow() < raced.Until)
            {
                return raced.Value;
            }

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.AppId ?? "",
                ["client_secret"] = options.AppPassword ?? "",
                ["scope"] = BotFrameworkOptions.ConnectorScope,
            });
            using var response = await http.PostAsync(options.EffectiveTokenEndpoint, form, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new ConnectorException($"The token endpoint refused the bot's credentials: {(int)response.StatusCode}.");
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var value = json.RootElement.GetProperty("access_token").GetString()
                ?? throw new ConnectorException("The token endpoint answered without an access_token.");
            var lifetime = TimeSpan.FromSeconds(json.RootElement.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var s) ? s : 3600);
            var keep = lifetime > ExpiryMargin * 2 ? lifetime - ExpiryMargin : lifetime / 2;
            token = new AccessToken(value, time.GetUtcNow() + keep);
            return value;
        }
        finally
        {
            tokenGate.Release();
        }
    }
}
