using System.Text.Json.Serialization;
using GroupPay.Dialogs.Cards;

namespace GroupPay.Channels.Playground;

/// <summary>A simulated group chat. Its chat key is <c>playground:{Id}</c>.</summary>
public sealed class PlaygroundGroup
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<PlaygroundMember> Members { get; set; } = [];

    [JsonIgnore]
    public string ChatKey => PlaygroundChannel.ChatKeyOf(Id);
}

/// <summary>A simulated person. Their member key is <c>playground:{Id}</c>; others mention them as <c>@{Username}</c>.</summary>
public sealed class PlaygroundMember
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Username { get; set; }
    public bool IsAdmin { get; set; }

    [JsonIgnore]
    public string Key => PlaygroundChannel.ChatKeyOf(Id);
}

public enum PlaygroundMessageKind { Member, Text, Card, Document }

/// <summary>
/// One line of a group's transcript. The bot's messages are kept; a member's message is kept only when it is a
/// command (SPEC §7), otherwise it lives in memory until the host stops.
/// </summary>
public sealed class PlaygroundMessage
{
    public required string Id { get; set; }
    public required string GroupId { get; set; }
    public long Sequence { get; set; }
    public PlaygroundMessageKind Kind { get; set; }
    /// <summary>The member who typed it; null for the bot.</summary>
    public string? MemberId { get; set; }
    public string? Text { get; set; }
    public Card? Card { get; set; }
    public string? FileName { get; set; }
    public string? FileContent { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
}
