using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupPay.Channels.Discord;

/// <summary>
/// <c>POST /api/discord/interactions</c>: the signature is checked on the raw bytes before anything is parsed; PING
/// gets PONG; a slash command becomes the equivalent text command, a button press a button turn. The turn's own
/// effects answer the interaction (type 4 or 7) while the chat's outbox is held, so each card version is sent once.
/// </summary>
public sealed class DiscordInteractions(
    DiscordSignature signature,
    ITurnHandler turns,
    IInlineOutbox outbox,
    DiscordRestClient rest,
    DiscordSender sender,
    IOptions<DiscordOptions> options,
    ILogger<DiscordInteractions> logger)
{
    public const string Path = "/api/discord/interactions";
    private const int MaxBodyBytes = 1 << 20;
    private const ulong Administrator = 0x8;
    private const ulong ManageGuild = 0x20;
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(10);

    public async Task HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (!signature.IsValid(http.Request.Headers[DiscordSignature.SignatureHeader], http.Request.Headers[DiscordSignature.TimestampHeader], body))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await http.Response.WriteAsync("invalid request signature", ct);
            return;
        }

        Interaction? interaction;
        try
        {
            interaction = Interaction.Parse(body);
        }
        catch (JsonException)
        {
            interaction = null;
        }

        if (interaction is null)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        switch (interaction.Type)
        {
            case 1:
                await RespondAsync(http.Response, new JsonObject { ["type"] = 1 }, ct);
                break;
            case 2 or 3:
                await OnTurnAsync(http.Response, interaction, ct);
                break;
            case 4:
                await RespondAsync(http.Response, new JsonObject
                {
                    ["type"] = 8, ["data"] = new JsonObject { ["choices"] = DiscordCommands.CurrencyChoices(interaction.FocusedValue() ?? "") },
                }, ct);
                break;
            default:
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
        }
    }

    private async Task OnTurnAsync(HttpResponse response, Interaction interaction, CancellationToken ct)
    {
        var dedupeKey = $"discord:interaction:{interaction.Id}";
        if (interaction.ChannelId is null || interaction.Actor is null)
        {
            await RespondAsync(response, Reply(4, DiscordMessages.Text("GroupPay works in server channels.", ephemeral: true)), ct);
            return;
        }

        var chatKey = DiscordSender.ChatKey(interaction.ChannelId);
        Inbound inbound;
        if (interaction.Type == 3)
        {
            if (interaction.CustomId is not { Length: > 0 } customId)
            {
                await RespondAsync(response, new JsonObject { ["type"] = 6 }, ct);
                return;
            }

            inbound = new ButtonInbound(chatKey, dedupeKey, interaction.Actor, customId);
        }
        else if (DiscordCommands.ToText(interaction.Data) is { } text)
        {
            inbound = new TextInbound(chatKey, dedupeKey, interaction.Actor, text);
        }
        else
        {
            await RespondAsync(response, Reply(4, DiscordMessages.Text("This command is not known here.", ephemeral: true)), ct);
            return;
        }

        // Ask for the chat's outbox before the turn commits, so the dispatcher cannot send this turn's effects meanwhile.
        var claim = outbox.ClaimAsync(chatKey, LongWait, CancellationToken.None);
        IInlineDelivery? held = null;
        try
        {
            var result = await turns.HandleAsync(inbound, CancellationToken.None);
            if (result.Duplicate)
            {
                await RespondAsync(response, interaction.Type == 3
                    ? new JsonObject { ["type"] = 6 }
                    : Reply(4, DiscordMessages.Text("This command was already handled.", ephemeral: true)), ct);
                return;
            }

            var session = new InteractionSession(response, interaction, result, rest, sender, logger);
            if (await Task.WhenAny(claim, Task.Delay(options.Value.InlineWait, CancellationToken.None)) != claim)
            {
                // Another delivery of this chat is slow: acknowledge now, complete through the interaction webhook.
                await session.DeferAsync(ct);
            }

            held = await claim;
            if (held is not null)
            {
                await held.DeliverPendingAsync(session, CancellationToken.None);
            }

            await session.FinishAsync(CancellationToken.None);
        }
        finally
        {
            held ??= await claim;
            if (held is not null)
            {
                await held.DisposeAsync();
            }
        }
    }

    internal static JsonObject Reply(int type, JsonObject data) => new() { ["type"] = type, ["data"] = data };

    internal static async Task RespondAsync(HttpResponse response, JsonNode body, CancellationToken ct)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString(), ct);
        await response.CompleteAsync();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The fields of an interaction this bot reads.</summary>
    internal sealed record Interaction(string Id, string Token, int Type, string? ApplicationId, string? ChannelId, Actor? Actor,
        JsonElement Data, string? CustomId, string? MessageRef)
    {
        public static Interaction? Parse(byte[] body)
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "id") is not { } id || !root.TryGetProperty("type", out var typeElement)
                || !typeElement.TryGetInt32(out var type))
            {
                return null;
            }

            var channelId = Str(root, "channel_id") ?? (root.TryGetProperty("channel", out var channel) ? Str(channel, "id") : null);
            var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d.Clone() : default;
            string? messageRef = null;
            if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object && Str(message, "id") is { } messageId)
            {
                messageRef = $"{Str(message, "channel_id") ?? channelId}/{messageId}";
            }

            return new Interaction(id, Str(root, "token") ?? "", type, Str(root, "application_id"), channelId, ActorOf(root), data,
                data.ValueKind == JsonValueKind.Object ? Str(data, "custom_id") : null, messageRef);
        }

        /// <summary>The value typed so far into the focused option of an autocomplete interaction.</summary>
        public string? FocusedValue()
        {
            if (Data.ValueKind != JsonValueKind.Object || !Data.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var option in options.EnumerateArray())
            {
                if (option.TryGetProperty("focused", out var focused) && focused.ValueKind == JsonValueKind.True)
                {
                    return Str(option, "value");
                }
            }

            return null;
        }

        private static Actor? ActorOf(JsonElement root)
        {
            var member = root.TryGetProperty("member", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var user = member.ValueKind == JsonValueKind.Object && member.TryGetProperty("user", out var mu) ? mu
                : root.TryGetProperty("user", out var u) ? u : default;
            if (user.ValueKind != JsonValueKind.Object || Str(user, "id") is not { } userId)
            {
                return null;
            }

            var username = Str(user, "username");
            var name = (member.ValueKind == JsonValueKind.Object ? Str(member, "nick") : null) ?? Str(user, "global_name") ?? username ?? userId;
            var admin = member.ValueKind == JsonValueKind.Object && Str(member, "permissions") is { } permissions
                && BigInteger.TryParse(permissions, NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
                && (bits & (Administrator | ManageGuild)) != BigInteger.Zero;
            return new Actor($"{DiscordSender.ChannelName}:{userId}", name, username, admin);
        }

        private static string? Str(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }
}
