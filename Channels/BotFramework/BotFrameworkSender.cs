using System.Text;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.BotFramework;

/// <summary>
/// Delivers the engine's effects to Bot Framework conversations: cards as hero cards (posted once, then replaced in place
/// by activity id), text as plain messages, the CSV export as an attachment (as text in Teams, which takes no inline files).
/// </summary>
public sealed class BotFrameworkSender(ConnectorClient connector, IBotFrameworkDirectory directory, ILogger<BotFrameworkSender> logger) : IChannelSender
{
    public const string ChannelName = "botframework";
    public const string HeroCardType = "application/vnd.microsoft.card.hero";
    /// <summary>Teams messages are capped near 28 KB; a longer export is cut and points to the admin API.</summary>
    private const int MaxInlineCsvChars = 20_000;

    public string Channel => ChannelName;

    public static string ChatKey(string conversationId) => $"{ChannelName}:{conversationId}";

    public static string ConversationIdOf(string chatKey) => chatKey[(ChannelName.Length + 1)..];

    public async Task<string?> DeliverAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct)
    {
        var conversation = await directory.LoadConversationAsync(ConversationIdOf(item.ChatKey), ct);
        if (conversation is null)
        {
            logger.LogWarning("No service URL is known for {ChatKey}; outbox item {Id} cannot be delivered", item.ChatKey, item.Id);
            return null;
        }

        switch (item.Kind)
        {
            case OutboxKind.Card when item.Card is { } card:
                var activity = Message(conversation, null, [new Attachment { ContentType = HeroCardType, Content = Render(card, conversation.ChannelId) }]);
                if (existingMessageRef is not null && await connector.UpdateAsync(conversation, existingMessageRef, activity, ct))
                {
                    return existingMessageRef;
                }

                return await connector.SendAsync(conversation, activity, ct);
            case OutboxKind.Document:
                await connector.SendAsync(conversation, Document(conversation, item.FileName ?? "export.csv", item.FileContent ?? ""), ct);
                return null;
            default:
                await connector.SendAsync(conversation, Message(conversation, item.Text ?? item.Card?.Text ?? "", null), ct);
                return null;
        }
    }

    /// <summary>A short answer to the member who pressed a button (Bot Framework has no toast outside invokes).</summary>
    public Task SendTextAsync(BotConversation conversation, string text, CancellationToken ct) =>
        connector.SendAsync(conversation, Message(conversation, text, null), ct);

    /// <summary>
    /// A hero card: the title, the lines as text, callback buttons as <c>messageBack</c> whose value carries the opaque
    /// token, link buttons as <c>openUrl</c>. Teams renders the text as HTML, so there it is encoded and broken with br.
    /// </summary>
    public static HeroCard Render(Card card, string channelId)
    {
        var teams = channelId == "msteams";
        var text = teams
            ? string.Join("<br>", card.Lines.Select(Escape))
            : string.Join("\n\n", card.Lines);
        var buttons = card.Buttons.SelectMany(row => row).Select(button => button.Kind == ButtonKind.Url
            ? new CardAction("openUrl", button.Label, button.Value)
            : new CardAction("messageBack", button.Label, new Dictionary<string, string> { [ButtonValueKey] = button.Value }, button.Label, button.Label))
            .ToList();
        return new HeroCard(teams ? Escape(card.Title) : card.Title, text.Length == 0 ? null : text, buttons);
    }

    /// <summary>Only what HTML would read as markup; emoji and accents stay as they are.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>The key of a button's token inside a <c>messageBack</c> value or an <c>Action.Submit</c>/<c>Action.Execute</c> data object.</summary>
    public const string ButtonValueKey = "gpToken";

    private static Dictionary<string, object?> Message(BotConversation conversation, string? text, IReadOnlyList<Attachment>? attachments) => new()
    {
        ["type"] = "message",
        ["from"] = new ChannelAccount { Id = conversation.BotId, Name = conversation.BotName },
        ["conversation"] = new ConversationAccount { Id = conversation.Id },
        ["text"] = text,
        ["textFormat"] = text is null ? null : "plain",
        ["attachments"] = attachments,
    };

    private static Dictionary<string, object?> Document(BotConversation conversation, string fileName, string content)
    {
        if (conversation.ChannelId != "msteams")
        {
            var dataUrl = "data:text/csv;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
            return Message(conversation, fileName, [new Attachment { ContentType = "text/csv", ContentUrl = dataUrl, Name = fileName }]);
        }

        var cut = content.Length > MaxInlineCsvChars;
        var lastLine = content.LastIndexOf('\n', MaxInlineCsvChars);
        var body = cut ? content[..(lastLine > 0 ? lastLine : MaxInlineCsvChars)] : content;
        var message = Message(conversation, $"{fileName}\n```\n{body}\n```" + (cut ? "\n(cut here: the admin API's ledger.csv has all of it)" : ""), null);
        message["textFormat"] = "markdown";
        return message;
    }
}
