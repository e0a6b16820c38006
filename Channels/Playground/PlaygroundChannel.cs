using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Channels.Playground;

/// <summary>
/// Delivers the bot's effects to a playground group. A message's id comes from its outbox item, so an item delivered
/// twice (a crash before it was marked) replaces itself instead of appearing twice; a card is edited under the id it
/// was first delivered with.
/// </summary>
public sealed class PlaygroundChannel(PlaygroundHub hub) : IChannelSender
{
    public const string Name = "playground";

    public string Channel => Name;

    public static string ChatKeyOf(string id) => $"{Name}:{id}";

    public async Task<string?> DeliverAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct)
    {
        var groupId = item.ChatKey[(Name.Length + 1)..];
        return await hub.DeliverAsync(groupId, $"b{item.Id}", item.Kind == OutboxKind.Card ? existingMessageRef : null, message =>
        {
            message.MemberId = null;
            switch (item.Kind)
            {
                case OutboxKind.Card:
                    message.Kind = PlaygroundMessageKind.Card;
                    message.Card = item.Card;
                    message.Text = null;
                    break;
                case OutboxKind.Document:
                    message.Kind = PlaygroundMessageKind.Document;
                    message.Text = item.Text;
                    message.FileName = item.FileName;
                    message.FileContent = item.FileContent;
                    break;
                default:
                    message.Kind = PlaygroundMessageKind.Text;
                    message.Text = item.Text;
                    break;
            }

            return message;
        }, ct);
    }
}
