using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupPay.Channels.BotFramework;

/// <summary>The part of the Bot Framework Activity schema this channel reads or writes; unknown fields are ignored.</summary>
public sealed class Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public string? TextFormat { get; set; }
    public string? Text { get; set; }
    public string? Locale { get; set; }
    public string? ReplyToId { get; set; }
    public string? Name { get; set; }
    public JsonElement? Value { get; set; }
    public List<ChannelAccount>? MembersAdded { get; set; }
    public List<Entity>? Entities { get; set; }
    public List<Attachment>? Attachments { get; set; }
}

public sealed class ChannelAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? AadObjectId { get; set; }
    public string? Role { get; set; }
}

public sealed class ConversationAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public bool? IsGroup { get; set; }
    public string? ConversationType { get; set; }
    public string? TenantId { get; set; }
}

/// <summary>An entity; only <c>mention</c> entities (<see cref="Mentioned"/>, <see cref="Text"/>) are read.</summary>
public sealed class Entity
{
    public string? Type { get; set; }
    public ChannelAccount? Mentioned { get; set; }
    public string? Text { get; set; }
}

public sealed class Attachment
{
    public string? ContentType { get; set; }
    public string? ContentUrl { get; set; }
    public string? Name { get; set; }
    public object? Content { get; set; }
}

public sealed record HeroCard(string Title, string? Text, IReadOnlyList<CardAction> Buttons);

/// <summary>A card action: <c>messageBack</c> carries our opaque token in <see cref="Value"/>; <c>openUrl</c> a link.</summary>
public sealed record CardAction(string Type, string Title, object Value, string? Text = null, string? DisplayText = null);

/// <summary>The Connector's answer to a send or an update.</summary>
public sealed record ResourceResponse(string? Id);

internal static class ActivityJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
