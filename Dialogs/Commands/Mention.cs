namespace GroupPay.Dialogs.Commands;

/// <summary>
/// A person named in a command: <c>@alice</c> (Username "alice", as typed), Discord <c>&lt;@123&gt;</c>
/// (UserId "123") or <c>@me</c>, the sender. An unseen username is resolved later by the engine.
/// </summary>
public sealed record Mention(string? Username, string? UserId, bool IsMe);

public enum ShareModifier
{
    None,
    Exact,
    Percent,
    Weight,
}

/// <summary>
/// A mention with its share: <c>@bob=30</c> (Exact "30"), <c>@bob=25%</c> (Percent "25"),
/// <c>@bob*2</c> (Weight "2"). The text stays unparsed: only the engine knows the chat's currency.
/// </summary>
public sealed record Participant(Mention Who, ShareModifier Modifier, string? ModifierText);
