using System.Globalization;
using System.Text;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.Telegram;
using global::Telegram.Bot;
using global::Telegram.Bot.Exceptions;
using global::Telegram.Bot.Types;
using global::Telegram.Bot.Types.Enums;
using global::Telegram.Bot.Types.Payments;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.Telegram;

/// <summary>
/// Delivers outbox items to Telegram: texts and cards with <c>sendMessage</c> (HTML, everything escaped, inline keyboards),
/// later versions of a card with <c>editMessageText</c>, exports with <c>sendDocument</c>. Every send waits its turn in the
/// <see cref="TelegramRateLimiter"/>; a 429 waits <c>retry_after</c> and tries again; a 403 (the bot was removed)
/// stops sending to that chat; a migrated group is followed to its new id. Message references are <c>{chatId}:{messageId}</c>.
/// </summary>
public sealed class TelegramSender(
    ITelegramBotClient bot, TelegramChats chats, TelegramRateLimiter limiter, TelegramLimits limits, ILogger<TelegramSender> logger) : IChannelSender
{
    public string Channel => TelegramChats.Channel;

    /// <summary>Raised when Telegram answered 429 and a send waits for <c>retry_after</c>.</summary>
    public event Action? Throttled;

    public async Task<string?> DeliverAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct)
    {
        if (chats.IsStopped(item.ChatKey))
        {
            logger.LogInformation("Chat {ChatKey} no longer takes messages from the bot; outbox item {Id} dropped", item.ChatKey, item.Id);
            return existingMessageRef;
        }

        try
        {
            return item.Kind switch
            {
                OutboxKind.Card when item.Card is not null => await DeliverCardAsync(item, existingMessageRef, ct),
                OutboxKind.Document => await SendDocumentAsync(item, ct),
                _ => await SendTextAsync(item, ct),
            };
        }
        catch (ApiRequestException exception) when (exception.ErrorCode == 403)
        {
            logger.LogWarning("Telegram refused to deliver to {ChatKey} ({Reason}); no more messages go there", item.ChatKey, exception.Message);
            chats.SetStopped(item.ChatKey, true);
            return existingMessageRef;
        }
    }

    /// <summary>
    /// Posts an invoice (<c>sendInvoice</c>) in the chat's rate-limited turn, as any message to the chat. No start
    /// parameter, so the invoice is paid right there; the pre-checkout check decides who may pay it.
    /// </summary>
    /// <exception cref="PaymentRefusedException">The bot can no longer write to the chat.</exception>
    public async Task<string> SendInvoiceAsync(TelegramInvoice invoice, string providerToken, CancellationToken ct)
    {
        if (chats.IsStopped(invoice.ChatKey))
        {
            throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.Unavailable,
                Detail: "The bot can no longer post in this Telegram chat, so it cannot send the invoice there. Pay directly instead."));
        }

        try
        {
            var message = await CallAsync(invoice.ChatKey, chatId => bot.SendInvoice(chatId, invoice.Title, invoice.Description, invoice.Payload,
                invoice.Currency, [new LabeledPrice(invoice.Label, invoice.Amount)], providerToken, cancellationToken: ct), ct);
            return Ref(message);
        }
        catch (ApiRequestException exception) when (exception.ErrorCode == 403)
        {
            logger.LogWarning("Telegram refused an invoice for {ChatKey} ({Reason}); no more messages go there", invoice.ChatKey, exception.Message);
            chats.SetStopped(invoice.ChatKey, true);
            throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.Unavailable,
                Detail: "The bot can no longer post in this Telegram chat, so it cannot send the invoice there. Pay directly instead."));
        }
        catch (ApiRequestException exception) when (exception.ErrorCode == 400)
        {
            logger.LogWarning("Telegram refused an invoice for {ChatKey} ({Reason})", invoice.ChatKey, exception.Message);
            throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.Unavailable,
                Detail: "Telegram did not accept the invoice for this debt (the bot's payment provider may not take this currency or amount). Pay directly instead."));
        }
    }

    private async Task<string?> SendTextAsync(OutboxItem item, CancellationToken ct)
    {
        var message = await CallAsync(item.ChatKey,
            chatId => bot.SendMessage(chatId, TelegramRender.Text(item.Text ?? ""), parseMode: ParseMode.Html,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, cancellationToken: ct), ct);
        return Ref(message);
    }

    private async Task<string?> SendDocumentAsync(OutboxItem item, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(item.FileContent ?? "");
        var message = await CallAsync(item.ChatKey, async chatId =>
        {
            await using var stream = new MemoryStream(bytes, writable: false);
            return await bot.SendDocument(chatId, InputFile.FromStream(stream, item.FileName ?? "export.csv"),
                caption: item.Text is null ? null : TelegramRender.Caption(item.Text), parseMode: ParseMode.Html, cancellationToken: ct);
        }, ct);
        return Ref(message);
    }

    private async Task<string?> DeliverCardAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct)
    {
        var (html, keyboard) = TelegramRender.Card(item.Card!);
        if (ParseRef(existingMessageRef) is { } existing && existing.ChatId == chats.PlatformChatIdOf(item.ChatKey))
        {
            try
            {
                await CallAsync(item.ChatKey, chatId => bot.EditMessageText(chatId, existing.MessageId, html, parseMode: ParseMode.Html,
                    replyMarkup: keyboard, linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, cancellationToken: ct), ct);
                return existingMessageRef;
            }
            catch (ApiRequestException exception) when (exception.ErrorCode == 400 && Says(exception, "message is not modified"))
            {
                return existingMessageRef;
            }
            catch (ApiRequestException exception) when (exception.ErrorCode == 400 && IsButtonRefusal(exception))
            {
                var (plain, callbacks) = TelegramRender.Card(item.Card!, linksInText: true);
                await CallAsync(item.ChatKey, chatId => bot.EditMessageText(chatId, existing.MessageId, plain, parseMode: ParseMode.Html,
                    replyMarkup: callbacks, cancellationToken: ct), ct);
                return existingMessageRef;
            }
            catch (ApiRequestException exception) when (exception.ErrorCode == 400 && (Says(exception, "message to edit not found") || Says(exception, "message can't be edited")))
            {
                logger.LogInformation("Card {CardKey} in {ChatKey} can no longer be edited; posting it again", item.CardKey, item.ChatKey);
            }
        }

        try
        {
            return Ref(await CallAsync(item.ChatKey, chatId => bot.SendMessage(chatId, html, parseMode: ParseMode.Html, replyMarkup: keyboard,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, cancellationToken: ct), ct));
        }
        catch (ApiRequestException exception) when (exception.ErrorCode == 400 && IsButtonRefusal(exception))
        {
            logger.LogWarning("Telegram refused a button of card {CardKey} in {ChatKey}; links go into the text", item.CardKey, item.ChatKey);
            var (plain, callbacks) = TelegramRender.Card(item.Card!, linksInText: true);
            return Ref(await CallAsync(item.ChatKey, chatId => bot.SendMessage(chatId, plain, parseMode: ParseMode.Html, replyMarkup: callbacks,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true }, cancellationToken: ct), ct));
        }
    }

    /// <summary>One Bot API call to a chat, in its rate-limited turn; 429 and group migration are handled here.</summary>
    private async Task<T> CallAsync<T>(string chatKey, Func<long, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var chatId = chats.PlatformChatIdOf(chatKey);
            await limiter.WaitTurnAsync(chatId, ct);
            try
            {
                return await call(chatId);
            }
            catch (ApiRequestException exception) when (exception.ErrorCode == 429 && attempt <= limits.MaxRetries)
            {
                var wait = TimeSpan.FromSeconds(Math.Clamp(exception.Parameters?.RetryAfter ?? 1, 1, 3600));
                logger.LogInformation("Telegram asked to wait {Seconds} s before writing to {ChatKey} again", wait.TotalSeconds, chatKey);
                Throttled?.Invoke();
                limiter.Backoff(chatId, wait);
            }
            catch (ApiRequestException exception) when (exception.Parameters?.MigrateToChatId is { } newChatId && attempt <= limits.MaxRetries)
            {
                logger.LogInformation("Chat {ChatKey} moved to a supergroup; following it", chatKey);
                chats.Migrate(chatId, newChatId);
            }
        }
    }

    private static bool Says(ApiRequestException exception, string text) =>
        exception.Message.Contains(text, StringComparison.OrdinalIgnoreCase);

    private static bool IsButtonRefusal(ApiRequestException exception) =>
        Says(exception, "BUTTON_URL_INVALID") || Says(exception, "Unsupported URL protocol") || Says(exception, "wrong HTTP URL");

    private static string Ref(Message message) =>
        $"{message.Chat.Id.ToString(CultureInfo.InvariantCulture)}:{message.Id.ToString(CultureInfo.InvariantCulture)}";

    private static (long ChatId, int MessageId)? ParseRef(string? messageRef)
    {
        var colon = messageRef?.LastIndexOf(':') ?? -1;
        return colon > 0
            && long.TryParse(messageRef.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId)
            && int.TryParse(messageRef.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var messageId)
            ? (chatId, messageId)
            : null;
    }
}
