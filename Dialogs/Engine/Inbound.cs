namespace GroupPay.Dialogs.Engine;

/// <summary>Who acts in a turn. <see cref="Key"/> is <c>{channel}:{userId}</c>.</summary>
public sealed record Actor(string Key, string DisplayName, string? Username = null, bool IsPlatformAdmin = false);

/// <summary>Everything a channel, a gateway or the scheduler can ask of the engine. <see cref="DedupeKey"/> makes it exactly-once.</summary>
public abstract record Inbound(string ChatKey, string DedupeKey);

/// <summary>
/// A text message. <paramref name="BotUsername"/> lets <c>/cmd@Bot</c> be told apart from commands to other bots.
/// <paramref name="Seen"/> are other members the platform showed with the message (a mention entity of a member without
/// a username, people who joined); they are remembered like the sender, so their names render and their mentions resolve.
/// </summary>
public sealed record TextInbound(
    string ChatKey, string DedupeKey, Actor From, string Text, string? BotUsername = null, bool SlashOptional = false, IReadOnlyList<Actor>? Seen = null)
    : Inbound(ChatKey, DedupeKey);

/// <summary>A press on a callback button carrying <paramref name="Token"/>.</summary>
public sealed record ButtonInbound(string ChatKey, string DedupeKey, Actor From, string Token) : Inbound(ChatKey, DedupeKey)
{
    /// <summary>
    /// The token's record when the adapter has read it already (to decide on an admin check); a token never changes once
    /// written, so the turn uses it instead of reading it again. Null: the turn reads it.
    /// </summary>
    public ButtonToken? Known { get; init; }
}

/// <summary>A gateway confirmed the payment of an obligation (verified webhook or reconciliation).</summary>
public sealed record PaymentInbound(string ChatKey, string DedupeKey, string ObligationId, string Provider, string Reference)
    : Inbound(ChatKey, DedupeKey);

/// <summary>The debtor says they paid through a person-to-person link; the creditor still confirms.</summary>
public sealed record PaymentClaimInbound(string ChatKey, string DedupeKey, string ObligationId) : Inbound(ChatKey, DedupeKey);

/// <summary>A flow's persisted due time (deadline, expiry or reminder) has come.</summary>
public sealed record DueInbound(string ChatKey, string DedupeKey, int FlowNumber) : Inbound(ChatKey, DedupeKey);
