using System.Net;
using System.Text.Json.Nodes;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Channels.Discord;

/// <summary>
/// Delivers outbox items that no interaction answered (payment confirmations, reminders, edits of earlier cards)
/// through the bot's REST API. A card's message reference is <c>{channelId}/{messageId}</c>. Every new message carries
/// the outbox item's id as its <c>nonce</c> with <c>enforce_nonce</c>: when a send's answer is lost and the dispatcher
/// sends again, Discord returns the message it already made instead of posting a second one.
/// </summary>
public sealed class DiscordSender(DiscordRestClient rest) : IChannelSender
{
    public const string ChannelName = "discord";

    public string Channel => ChannelName;

    public static string ChatKey(string channelId) => $"{ChannelName}:{channelId}";

    public static string MessageRef(JsonNode? message) =>
        message?["channel_id"]?.GetValue<string>() is { } channel && message["id"]?.GetValue<string>() is { } id
            ? $"{channel}/{id}"
            : throw new InvalidOperationException("Discord returned a message without channel_id and id.");

    public async Task<string?> DeliverAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct)
    {
        var channelId = item.ChatKey[(ChannelName.Length + 1)..];
        if (item.Kind == OutboxKind.Document)
        {
            var caption = WithNonce(DiscordMessages.Text(item.Text ?? ""), item);
            await rest.SendAsync(HttpMethod.Post, "POST channels/{channel}/messages", $"channels/{channelId}/messages", caption, botAuth: true, ct,
                (item.FileName ?? "export.csv", item.FileContent ?? ""));
            return null;
        }

        var payload = DiscordMessages.For(item);
        if (existingMessageRef is not null && existingMessageRef.Split('/') is [var refChannel, var messageId])
        {
            try
            {
                await rest.SendAsync(HttpMethod.Patch, "PATCH channels/{channel}/messages/{message}", $"channels/{refChannel}/messages/{messageId}",
                    payload, botAuth: true, ct);
                return existingMessageRef;
            }
            catch (DiscordApiException exception) when (exception.Status == HttpStatusCode.NotFound)
            {
                // The card's message was deleted: post the card again.
            }
        }

        var created = await rest.SendAsync(HttpMethod.Post, "POST channels/{channel}/messages", $"channels/{channelId}/messages",
            WithNonce(payload, item), botAuth: true, ct);
        return item.Kind == OutboxKind.Card ? MessageRef(created) : null;
    }

    /// <summary>The item's id as the message's nonce (at most 25 characters; ids have 16 digits), enforced by Discord.</summary>
    private static JsonObject WithNonce(JsonObject payload, OutboxItem item)
    {
        payload["nonce"] = item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        payload["enforce_nonce"] = true;
        return payload;
    }
}
