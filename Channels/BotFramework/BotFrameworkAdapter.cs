using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.BotFramework;

/// <summary>
/// <c>POST /api/messages</c>: authenticates the Connector's request, then maps the Activity to one engine turn.
/// A message becomes a text command (slash optional, the bot's own mention stripped, other mentions as <c>&lt;@n&gt;</c>),
/// a message whose value carries our token a button press, the bot being added a greeting from the installer, and an
/// <c>adaptiveCard/action</c> invoke a button press answered in the invoke response. Other activities are acknowledged.
/// </summary>
public sealed partial class BotFrameworkAdapter(
    BotFrameworkOptions options,
    BotFrameworkAuthenticator authenticator,
    IBotFrameworkDirectory directory,
    ITurnHandler turns,
    BotFrameworkSender sender,
    ILogger<BotFrameworkAdapter> logger)
{
    public const string Path = "/api/messages";
    private const int MaxBodyBytes = 512 * 1024;
    private const string InvokeMessageType = "application/vnd.microsoft.activity.message";

    public async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        ChannelToken? token = null;
        if (options.EmulatorMode)
        {
            if (!BotFrameworkAuthenticator.EmulatorMayCall(http))
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }
        }
        else
        {
            try
            {
                token = await authenticator.ValidateAsync(http.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null, ct);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Bot Framework signing keys could not be read; activity refused for now");
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            if (token is null)
            {
                return Results.Unauthorized();
            }
        }

        var activity = await ReadAsync(http.Request, ct);
        if (activity is null)
        {
            return Results.BadRequest();
        }

        if (token is not null && BotFrameworkAuthenticator.Admits(token, activity) is { } refused)
        {
            return Results.StatusCode(refused);
        }

        if (activity is not { Id.Length: > 0, ServiceUrl.Length: > 0, ChannelId.Length: > 0, Conversation.Id.Length: > 0, Recipient.Id.Length: > 0 }
            || !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl) || serviceUrl.Scheme is not ("https" or "http"))
        {
            return Results.BadRequest();
        }

        var conversation = await RememberConversationAsync(activity, ct);
        return activity.Type switch
        {
            "message" when activity.From?.Id is { Length: > 0 } => await OnMessageAsync(activity, conversation, ct),
            "conversationUpdate" => await OnConversationUpdateAsync(activity, conversation, ct),
            "invoke" => await OnInvokeAsync(activity, conversation, ct),
            _ => Results.Ok(),
        };
    }

    private async Task<IResult> OnMessageAsync(Activity activity, BotConversation conversation, CancellationToken ct)
    {
        var chatKey = BotFrameworkSender.ChatKey(conversation.Id);
        var actor = await ActorAsync(activity.From!, conversation, ct);
        if (TokenIn(activity.Value) is { } buttonToken)
        {
            var pressed = await turns.HandleAsync(new ButtonInbound(chatKey, DedupeKey(activity), actor, buttonToken), ct);
            if (!pressed.Duplicate && pressed.Toast is { } toast)
            {
                await AnswerAsync(conversation, $"{actor.DisplayName}: {toast}", ct);
            }

            return Results.Ok();
        }

        var numbers = await IntroduceMentionedAsync(activity, chatKey, ct);
        var text = CommandText(activity, numbers);
        if (text.Length > 0)
        {
            await turns.HandleAsync(new TextInbound(chatKey, DedupeKey(activity), actor, text, activity.Recipient!.Name, SlashOptional: true), ct);
        }

        return Results.Ok();
    }

    /// <summary>The bot was added: whoever added it becomes the conversation's installer (an admin) and is greeted.</summary>
    private async Task<IResult> OnConversationUpdateAsync(Activity activity, BotConversation conversation, CancellationToken ct)
    {
        var botAdded = activity.MembersAdded?.Any(m => m.Id == activity.Recipient!.Id) == true;
        if (!botAdded || activity.From is not { Id.Length: > 0 } installer || installer.Id == activity.Recipient!.Id)
        {
            return Results.Ok();
        }

        var number = await directory.MemberNumberAsync(installer.Id, ct);
        if (conversation.InstallerMember != number)
        {
            conversation = conversation with { InstallerMember = number };
            await directory.SaveConversationAsync(conversation, ct);
        }

        var actor = new Actor(MemberKey(number), installer.Name is { Length: > 0 } name ? name : "there", null, IsPlatformAdmin: true);
        await turns.HandleAsync(new TextInbound(BotFrameworkSender.ChatKey(conversation.Id), DedupeKey(activity), actor, "/start", activity.Recipient.Name, SlashOptional: true), ct);
        return Results.Ok();
    }

    /// <summary>
    /// Invokes are synchronous: the HTTP response is the result. A Universal Action (<c>Action.Execute</c>) carrying our
    /// token is a button press whose answer is the invoke's message; any other invoke is acknowledged.
    /// </summary>
    private async Task<IResult> OnInvokeAsync(Activity activity, BotConversation conversation, CancellationToken ct)
    {
        string? answer = null;
        if (activity.Name == "adaptiveCard/action" && activity.From?.Id is { Length: > 0 }
            && activity.Value is { ValueKind: JsonValueKind.Object } value
            && value.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.Object
            && action.TryGetProperty("data", out var data) && TokenIn(data) is { } buttonToken)
        {
            var actor = await ActorAsync(activity.From, conversation, ct);
            var pressed = await turns.HandleAsync(
                new ButtonInbound(BotFrameworkSender.ChatKey(conversation.Id), DedupeKey(activity), actor, buttonToken), ct);
            answer = pressed.Toast;
        }

        return Results.Json(new { statusCode = 200, type = InvokeMessageType, value = answer ?? "OK" }, statusCode: StatusCodes.Status200OK);
    }

    /// <summary>The activity's text as a command: the bot's mention removed, other mentions as <c>&lt;@n&gt;</c>, Teams' HTML decoded.</summary>
    public static string CommandText(Activity activity, IReadOnlyDictionary<string, long> memberNumbers)
    {
        var text = activity.Text ?? "";
        foreach (var mention in Mentions(activity))
        {
            var replacement = mention.Mentioned!.Id == activity.Recipient?.Id ? " "
                : memberNumbers.TryGetValue(mention.Mentioned.Id!, out var number) ? $" <@{number}>" : null;
            if (replacement is not null)
            {
                text = text.Replace(mention.Text!, replacement, StringComparison.Ordinal);
            }
        }

        text = AtTag().Replace(text, "$1");
        if (activity.ChannelId == "msteams")
        {
            text = WebUtility.HtmlDecode(text);
        }

        return WhiteSpace().Replace(text, " ").Trim();
    }

    [GeneratedRegex("<at[^>]*>(.*?)</at>", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex AtTag();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex WhiteSpace();

    private static IEnumerable<Entity> Mentions(Activity activity) =>
        (activity.Entities ?? []).Where(e => e is { Type: "mention", Text.Length: > 0, Mentioned.Id.Length: > 0 });

    /// <summary>
    /// Mentioned members get their member number, and the engine learns their display name: it remembers a member only
    /// when they act, so the first mention in a conversation is fed to it as a silent turn of theirs (once, deduplicated).
    /// </summary>
    private async Task<Dictionary<string, long>> IntroduceMentionedAsync(Activity activity, string chatKey, CancellationToken ct)
    {
        var numbers = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var mention in Mentions(activity).Where(m => m.Mentioned!.Id != activity.Recipient?.Id).Take(50))
        {
            var member = mention.Mentioned!;
            if (numbers.ContainsKey(member.Id!))
            {
                continue;
            }

            var number = numbers[member.Id!] = await directory.MemberNumberAsync(member.Id!, ct);
            if (member.Name is { Length: > 0 } name)
            {
                await turns.HandleAsync(new TextInbound(chatKey, $"{BotFrameworkSender.ChannelName}:member:{activity.Conversation!.Id}:{number}",
                    new Actor(MemberKey(number), name), ""), ct);
            }
        }

        return numbers;
    }

    private async Task<Actor> ActorAsync(ChannelAccount from, BotConversation conversation, CancellationToken ct)
    {
        var number = await directory.MemberNumberAsync(from.Id!, ct);
        return new Actor(MemberKey(number), from.Name is { Length: > 0 } name ? name : "someone", null, conversation.InstallerMember == number);
    }

    public static string MemberKey(long number) => $"{BotFrameworkSender.ChannelName}:{number}";

    private static string DedupeKey(Activity activity) =>
        $"{BotFrameworkSender.ChannelName}:activity:{activity.ChannelId}:{activity.Conversation!.Id}:{activity.Id}";

    /// <summary>Our token in a <c>messageBack</c> value or an Adaptive Card's submitted data.</summary>
    private static string? TokenIn(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty(BotFrameworkSender.ButtonValueKey, out var token)
            && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 and <= 100 } text
            ? text
            : null;

    /// <summary>Keeps the conversation's service URL (the Connector asks bots to persist it) and the bot's own account.</summary>
    private async Task<BotConversation> RememberConversationAsync(Activity activity, CancellationToken ct)
    {
        var known = await directory.LoadConversationAsync(activity.Conversation!.Id!, ct);
        var current = new BotConversation(activity.Conversation.Id!, activity.ServiceUrl!, activity.ChannelId!, activity.Recipient!.Id!,
            activity.Recipient.Name ?? known?.BotName, known?.InstallerMember);
        if (current != known)
        {
            await directory.SaveConversationAsync(current, ct);
        }

        return current;
    }

    private async Task AnswerAsync(BotConversation conversation, string text, CancellationToken ct)
    {
        try
        {
            await sender.SendTextAsync(conversation, text, ct);
        }
        catch (Exception exception) when (exception is HttpRequestException or ConnectorException)
        {
            logger.LogWarning(exception, "The answer to a button press in a {Channel} conversation was not delivered", conversation.ChannelId);
        }
    }

    private static async Task<Activity?> ReadAsync(HttpRequest request, CancellationToken ct)
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

        try
        {
            return JsonSerializer.Deserialize<Activity>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ActivityJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
