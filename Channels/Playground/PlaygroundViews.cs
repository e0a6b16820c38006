using GroupPay.Dialogs.Cards;

namespace GroupPay.Channels.Playground;

/// <summary>What the page sees of a group: a snapshot, safe to serialise while the group changes.</summary>
public sealed record GroupView(string Id, string Name, string ChatKey, IReadOnlyList<MemberView> Members);

public sealed record MemberView(string Id, string Name, string Username, bool IsAdmin);

public sealed record ButtonView(string Label, string Kind, string Value);

public sealed record CardView(string Title, IReadOnlyList<string> Lines, IReadOnlyList<IReadOnlyList<ButtonView>> Buttons);

/// <summary>A transcript line. <see cref="Kind"/> is <c>member</c>, <c>text</c>, <c>card</c> or <c>document</c>.</summary>
public sealed record MessageView(
    string Id, long Sequence, string Kind, string? MemberId, string? MemberName, string? Text, CardView? Card, string? FileName,
    string? Download, DateTimeOffset At, bool Edited);

/// <summary>A server-sent event: <c>message-added</c>, <c>message-edited</c>, <c>members-changed</c> or <c>toast</c>.</summary>
public sealed record PlaygroundEvent(string Type, object Data);

public sealed record ToastView(string MemberId, string Text, string PressId);

public enum PlaygroundStatus { Ok, NotFound, Invalid, Conflict }

/// <summary>An outcome the endpoints turn into a status code; <see cref="Error"/> is a short sentence for the page, never an exception's text.</summary>
public sealed record PlaygroundResult<T>(PlaygroundStatus Status, T? Value, string? Error = null)
{
    public static PlaygroundResult<T> Ok(T value) => new(PlaygroundStatus.Ok, value);
    public static PlaygroundResult<T> NotFound() => new(PlaygroundStatus.NotFound, default, "Not found.");
    public static PlaygroundResult<T> Invalid(string error) => new(PlaygroundStatus.Invalid, default, error);
    public static PlaygroundResult<T> Conflict(string error) => new(PlaygroundStatus.Conflict, default, error);
}

internal static class Views
{
    public static GroupView Of(PlaygroundGroup group) =>
        new(group.Id, group.Name, group.ChatKey, group.Members.Select(Of).ToList());

    public static MemberView Of(PlaygroundMember member) => new(member.Id, member.Name, member.Username, member.IsAdmin);

    public static MessageView Of(PlaygroundMessage message, PlaygroundGroup? group) => new(
        message.Id,
        message.Sequence,
        message.Kind.ToString().ToLowerInvariant(),
        message.MemberId,
        message.MemberId is null ? null : group?.Members.Find(m => m.Id == message.MemberId)?.Name ?? "(left)",
        message.Text,
        message.Card is null ? null : Of(message.Card),
        message.FileName,
        message.Kind == PlaygroundMessageKind.Document ? $"/api/playground/groups/{message.GroupId}/messages/{message.Id}/download" : null,
        message.At,
        message.EditedAt is not null);

    private static CardView Of(Card card) => new(
        card.Title,
        card.Lines,
        card.Buttons.Select(row => (IReadOnlyList<ButtonView>)row
            .Select(b => new ButtonView(b.Label, b.Kind == ButtonKind.Url ? "url" : "callback", b.Value)).ToList()).ToList());
}
