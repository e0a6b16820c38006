using System.Globalization;
using GroupPay.Dialogs.Engine;
using global::Telegram.Bot;
using global::Telegram.Bot.Exceptions;
using global::Telegram.Bot.Types;
using global::Telegram.Bot.Types.Enums;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.Telegram;

/// <summary>Runs one inbound through the engine (the host's one door) and returns what the turn produced.</summary>
public delegate Task<TurnResult> TurnRunner(Inbound inbound, CancellationToken ct);

/// <summary>
/// Maps one Telegram <see cref="Update"/> to the engine: text (commands, mentions), button presses, the bot being added to
/// or removed from a chat, group migration, and invoice payments (<see cref="TelegramInvoices"/>). The same code serves
/// polling and the webhook; an update's effects are committed (or known to be a duplicate) when <see cref="HandleAsync"/>
/// returns, so its offset may then be confirmed.
/// </summary>
public sealed class TelegramUpdateHandler(
    ITelegramBotClient bot,
    TelegramBotIdentity identity,
    TelegramChats chats,
    TelegramAdmins admins,
    IGroupPayStore store,
    TelegramInvoices invoices,
    TurnRunner turns,
    ILogger<TelegramUpdateHandler> logger)
{
    public const string InvalidButton = "This button is no longer valid.";

    /// <summary>Update types the bot asks Telegram for (webhook and polling alike).</summary>
    public static readonly UpdateType[] AllowedUpdates =
        [UpdateType.Message, UpdateType.CallbackQuery, UpdateType.MyChatMember, UpdateType.PreCheckoutQuery];

    private static readonly HashSet<string> SensitiveCommands = new(StringComparer.OrdinalIgnoreCase) { "settings", "cancel" };
    private static readonly HashSet<string> SensitiveActions = new(StringComparer.Ordinal) { "close", "cancel", "draw" };

    public static string DedupeKey(Update update) => $"{TelegramChats.Channel}:update:{update.Id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Handles one update. With <paramref name="answerInReply"/> (the webhook) a button press is not answered by a call
    /// of its own: the answer is returned, for the webhook to send as the body of its 200 (Telegram runs a method given
    /// there), which saves one Bot API request per press and keeps it out of the acknowledgement.
    /// </summary>
    public async Task<CallbackAnswer?> HandleAsync(Update update, CancellationToken ct, bool answerInReply = false)
    {
        switch (update)
        {
            case { Message: { } message }:
                await OnMessageAsync(update, message, ct);
                break;
            case { CallbackQuery: { } query }:
                var answer = await OnCallbackAsync(update, query, ct);
                if (answerInReply)
                {
                    return answer;
                }

                await AnswerAsync(answer, ct);
                break;
            case { MyChatMember: { } membership }:
                await OnMembershipAsync(update, membership, ct);
                break;
            case { PreCheckoutQuery: { } checkout }:
                await invoices.AnswerAsync(checkout, ct);
                break;
        }

        return null;
    }

    private async Task OnMessageAsync(Update update, Message message, CancellationToken ct)
    {
        if (message.Chat.Type == ChatType.Channel)
        {
            return;
        }

        if (message.MigrateToChatId is { } to)
        {
            chats.Migrate(message.Chat.Id, to);
            return;
        }

        if (message.MigrateFromChatId is { } from)
        {
            chats.Migrate(from, message.Chat.Id);
            return;
        }

        if (message.SuccessfulPayment is { } payment)
        {
            await invoices.OnPaidAsync(message, payment, ct);
            return;
        }

        if (Sender(message) is not { } sender)
        {
            return;
        }

        var chatKey = chats.ChatKeyOf(message.Chat.Id);
        var me = await identity.GetAsync(ct);
        if (message.NewChatMembers is { Length: > 0 } joined)
        {
            var seen = joined.Where(u => !u.IsBot).Select(ActorOf).ToList();
            if (seen.Count > 0)
            {
                await turns(new TextInbound(chatKey, DedupeKey(update), sender.Actor, "", me.Username, Seen: seen), ct);
            }

            return;
        }

        if (message.Text is not { Length: > 0 } text)
        {
            return;
        }

        var (rewritten, mentioned) = RewriteTextMentions(text, message.Entities);
        var actor = sender.Actor;
        if (sender.UserId is { } userId && rewritten.StartsWith('/'))
        {
            var isAdmin = message.Chat.Type == ChatType.Private
                || await admins.IsAdminAsync(message.Chat.Id, userId, refresh: IsSensitiveCommand(rewritten), ct);
            actor = actor with { IsPlatformAdmin = isAdmin };
        }

        await turns(new TextInbound(chatKey, DedupeKey(update), actor, rewritten, me.Username, Seen: mentioned.Count == 0 ? null : mentioned), ct);
    }

    private async Task<CallbackAnswer> OnCallbackAsync(Update update, CallbackQuery query, CancellationToken ct)
    {
        if (query.Message is not { Date.Year: > 1970 } message || string.IsNullOrEmpty(query.Data) || query.Data.Length > 64 || query.From.IsBot)
        {
            return new CallbackAnswer(query.Id, InvalidButton);
        }

        var chatKey = chats.ChatKeyOf(message.Chat.Id);
        var isAdmin = message.Chat.Type == ChatType.Private;
        ButtonToken? token = null;
        if (!isAdmin)
        {
            token = await store.LoadTokenAsync(query.Data, ct);
            isAdmin = await admins.IsAdminAsync(message.Chat.Id, query.From.Id, refresh: token is not null && SensitiveActions.Contains(token.Action), ct);
        }

        var press = new ButtonInbound(chatKey, DedupeKey(update), ActorOf(query.From) with { IsPlatformAdmin = isAdmin }, query.Data) { Known = token };
        var result = await turns(press, ct);
        return new CallbackAnswer(query.Id, result.Duplicate ? null : result.Toast ?? InvalidButton);
    }

    private async Task OnMembershipAsync(Update update, ChatMemberUpdated membership, CancellationToken ct)
    {
        var me = await identity.GetAsync(ct);
        if (membership.NewChatMember.User.Id != me.Id || membership.Chat.Type == ChatType.Channel)
        {
            return;
        }

        var chatKey = chats.ChatKeyOf(membership.Chat.Id);
        var wasIn = membership.OldChatMember.Status is not (ChatMemberStatus.Left or ChatMemberStatus.Kicked);
        var isIn = membership.NewChatMember.Status is not (ChatMemberStatus.Left or ChatMemberStatus.Kicked);
        if (isIn && !wasIn)
        {
            chats.SetStopped(chatKey, false);
            var greeting = membership.Chat.Type == ChatType.Private ? "/start" : $"/start@{me.Username}";
            await turns(new TextInbound(chatKey, DedupeKey(update), ActorOf(membership.From), greeting, me.Username), ct);
        }
        else if (wasIn && !isIn)
        {
            logger.LogInformation("The bot was removed from {ChatKey}; no more messages go there", chatKey);
            chats.SetStopped(chatKey, true);
        }
    }

    private async Task AnswerAsync(CallbackAnswer answer, CancellationToken ct)
    {
        try
        {
            await bot.AnswerCallbackQuery(answer.CallbackQueryId, answer.Text, cancellationToken: ct);
        }
        catch (RequestException exception)
        {
            logger.LogInformation("A button press could not be answered ({Reason})", exception.Message);
        }
    }

    /// <summary>
    /// A <c>text_mention</c> entity names a member without a username; the engine understands it as <c>&lt;@id&gt;</c>.
    /// Offsets are UTF-16 code units, as C# indexes strings; later entities are rewritten first so earlier offsets hold.
    /// </summary>
    public static (string Text, List<Actor> Mentioned) RewriteTextMentions(string text, MessageEntity[]? entities)
    {
        var mentioned = new List<Actor>();
        foreach (var entity in (entities ?? []).Where(e => e.Type == MessageEntityType.TextMention && e.User is not null).OrderByDescending(e => e.Offset))
        {
            if (entity.Offset < 0 || entity.Length <= 0 || entity.Offset + entity.Length > text.Length)
            {
                continue;
            }

            text = string.Concat(text.AsSpan(0, entity.Offset), $" <@{entity.User!.Id.ToString(CultureInfo.InvariantCulture)}> ", text.AsSpan(entity.Offset + entity.Length));
            if (!entity.User.IsBot && mentioned.TrueForAll(m => m.Key != ActorOf(entity.User).Key))
            {
                mentioned.Add(ActorOf(entity.User));
            }
        }

        return (mentioned.Count == 0 ? text : NormaliseSpaces(text), mentioned);
    }

    public static Actor ActorOf(User user)
    {
        var name = string.IsNullOrWhiteSpace(user.LastName) ? user.FirstName : $"{user.FirstName} {user.LastName}";
        return new Actor($"{TelegramChats.Channel}:{user.Id.ToString(CultureInfo.InvariantCulture)}", name, string.IsNullOrEmpty(user.Username) ? null : user.Username);
    }

    /// <summary>Who wrote a message: a user, or an anonymous admin posting as the group (Telegram shows a placeholder user then).</summary>
    private static (Actor Actor, long? UserId)? Sender(Message message)
    {
        if (message.SenderChat is { } senderChat && senderChat.Id == message.Chat.Id)
        {
            var key = $"{TelegramChats.Channel}:{senderChat.Id.ToString(CultureInfo.InvariantCulture)}";
            return (new Actor(key, senderChat.Title ?? "Group admin", null, IsPlatformAdmin: true), null);
        }

        if (message.From is not { IsBot: false } from)
        {
            return null;
        }

        return (ActorOf(from), from.Id);
    }

    private static bool IsSensitiveCommand(string text)
    {
        var head = text.AsSpan(1);
        var end = head.IndexOfAny(' ', '@', '\n');
        var name = (end < 0 ? head : head[..end]).ToString();
        return SensitiveCommands.Contains(name);
    }

    private static string NormaliseSpaces(string text) =>
        string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>The answer to a button press: a short text shown to the presser only, or none (a duplicate press).</summary>
public sealed record CallbackAnswer(string CallbackQueryId, string? Text);
