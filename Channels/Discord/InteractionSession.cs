using System.Net;
using System.Text.Json.Nodes;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.Discord;

/// <summary>
/// The sender the outbox uses while an interaction holds its chat. The turn's own first new message answers a slash
/// command (type 4, ephemeral when the turn refused); the new version of the pressed card answers a button (type 7).
/// Later own messages go out as follow-ups through the interaction webhook; everything else (other turns' items,
/// edits of other cards) through the bot's REST API, as the dispatcher would have sent them.
/// </summary>
internal sealed class InteractionSession(
    HttpResponse response,
    DiscordInteractions.Interaction interaction,
    TurnResult result,
    DiscordRestClient rest,
    DiscordSender channel,
    ILogger logger) : IChannelSender
{
    private enum State { Open, Answered, Deferred }

    private readonly HashSet<long> own = result.Outbox.Select(i => i.Id).ToHashSet();
    private readonly bool isButton = interaction.Type == 3;
    private State state = State.Open;
    private bool originalFilled;
    private bool cardAnswered;

    public string Channel => DiscordSender.ChannelName;

    private string Webhook => $"webhooks/{interaction.ApplicationId ?? rest.ApplicationId}/{interaction.Token}";

    public async Task<string?> DeliverAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct)
    {
        if (!own.Contains(item.Id))
        {
            return await channel.DeliverAsync(item, existingMessageRef, ct);
        }

        if (isButton && item.Kind == OutboxKind.Card && existingMessageRef is not null && existingMessageRef == interaction.MessageRef)
        {
            return await UpdatePressedCardAsync(item, existingMessageRef, ct);
        }

        if (existingMessageRef is not null)
        {
            return await channel.DeliverAsync(item, existingMessageRef, ct);
        }

        if (state == State.Open && !isButton)
        {
            if (item.Kind == OutboxKind.Document)
            {
                await DeferAsync(ct);
            }
            else
            {
                await DiscordInteractions.RespondAsync(response, DiscordInteractions.Reply(4, Payload(item, result.Refused)), ct);
                state = State.Answered;
                originalFilled = true;
                return item.Kind == OutboxKind.Card ? await OriginalRefAsync(ct) : null;
            }
        }

        if (state == State.Open)
        {
            return await channel.DeliverAsync(item, existingMessageRef, ct);
        }

        if (state == State.Deferred && !originalFilled && !isButton)
        {
            var filled = await WebhookAsync(HttpMethod.Patch, "messages/@original", Payload(item, result.Refused), item, ct);
            originalFilled = true;
            return item.Kind == OutboxKind.Card ? DiscordSender.MessageRef(filled) : null;
        }

        var followUp = await WebhookAsync(HttpMethod.Post, "?wait=true", Payload(item, ephemeral: false), item, ct);
        return item.Kind == OutboxKind.Card ? DiscordSender.MessageRef(followUp) : null;
    }

    /// <summary>Acknowledges at once: "thinking…" for a command (type 5), a silent acknowledgement for a button (type 6).</summary>
    public async Task DeferAsync(CancellationToken ct)
    {
        if (state != State.Open)
        {
            return;
        }

        var deferred = new JsonObject { ["type"] = isButton ? 6 : 5 };
        if (!isButton && result.Refused)
        {
            deferred["data"] = new JsonObject { ["flags"] = DiscordMessages.Ephemeral };
        }

        await DiscordInteractions.RespondAsync(response, deferred, ct);
        state = State.Deferred;
    }

    /// <summary>Answers what is still unanswered: the toast (ephemeral), or an acknowledgement.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        var toast = result.Toast;
        if (state == State.Open)
        {
            await DiscordInteractions.RespondAsync(response, toast is not null
                ? DiscordInteractions.Reply(4, DiscordMessages.Text(toast, ephemeral: true))
                : isButton ? new JsonObject { ["type"] = 6 } : DiscordInteractions.Reply(4, DiscordMessages.Text("✓", ephemeral: true)), ct);
            return;
        }

        try
        {
            if (state == State.Deferred && !isButton && !originalFilled)
            {
                await WebhookAsync(HttpMethod.Patch, "messages/@original", DiscordMessages.Text(toast ?? "✓"), null, ct);
            }
            else if (toast is not null)
            {
                await WebhookAsync(HttpMethod.Post, "", DiscordMessages.Text(toast, ephemeral: true), null, ct);
            }
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException)
        {
            logger.LogWarning(exception, "Discord interaction {InteractionId}: the closing answer failed", interaction.Id);
        }
    }

    private async Task<string?> UpdatePressedCardAsync(OutboxItem item, string messageRef, CancellationToken ct)
    {
        if (state == State.Open && !cardAnswered)
        {
            await DiscordInteractions.RespondAsync(response, DiscordInteractions.Reply(7, DiscordMessages.For(item)), ct);
            state = State.Answered;
            cardAnswered = true;
            return messageRef;
        }

        if (state == State.Deferred && !cardAnswered)
        {
            await WebhookAsync(HttpMethod.Patch, "messages/@original", DiscordMessages.For(item), null, ct);
            cardAnswered = true;
            return messageRef;
        }

        return await channel.DeliverAsync(item, messageRef, ct);
    }

    /// <summary>
    /// The id of the message Discord made from the inline answer, so later versions of the card (after a payment, say,
    /// long after the interaction token expired) are edited through the bot's REST API.
    /// </summary>
    private async Task<string?> OriginalRefAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return DiscordSender.MessageRef(await rest.SendAsync(HttpMethod.Get, "GET webhooks/{application}/{token}/messages/@original",
                    Webhook + "/messages/@original", null, botAuth: false, ct));
            }
            catch (DiscordApiException exception) when (exception.Status == HttpStatusCode.NotFound && attempt < 3)
            {
                // Discord may not have made the message yet.
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), ct);
            }
            catch (Exception exception) when (exception is DiscordApiException or HttpRequestException or InvalidOperationException)
            {
                logger.LogWarning(exception, "Discord interaction {InteractionId}: the answer's message id is unknown; later versions of the card are posted anew", interaction.Id);
                return null;
            }
        }
    }

    private Task<JsonNode?> WebhookAsync(HttpMethod method, string suffix, JsonObject payload, OutboxItem? document, CancellationToken ct)
    {
        var path = suffix.Length == 0 ? Webhook : suffix.StartsWith('?') ? Webhook + suffix : Webhook + "/" + suffix;
        var route = $"{method.Method} webhooks/{{application}}/{{token}}{(suffix.StartsWith('?') || suffix.Length == 0 ? "" : "/" + suffix)}";
        var file = document is { Kind: OutboxKind.Document } d ? (d.FileName ?? "export.csv", d.FileContent ?? "") : ((string, string)?)null;
        return rest.SendAsync(method, route, path, payload, botAuth: false, ct, file);
    }

    private static JsonObject Payload(OutboxItem item, bool ephemeral) =>
        item.Kind == OutboxKind.Card ? DiscordMessages.For(item) : DiscordMessages.Text(item.Text ?? "", ephemeral);
}
