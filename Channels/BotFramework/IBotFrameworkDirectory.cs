namespace GroupPay.Channels.BotFramework;

/// <summary>
/// What the channel must remember between activities: where each conversation is answered (its <c>serviceUrl</c>, which
/// the Connector asks bots to persist), who installed the bot there, and a short numeric id per Bot Framework user.
/// </summary>
/// <remarks>
/// Member keys are <c>botframework:{number}</c> rather than the raw user id (<c>29:1J7s…</c>), because the command parser
/// understands mentions as <c>&lt;@digits&gt;</c>; the number is stable for a user id once given.
/// </remarks>
public interface IBotFrameworkDirectory
{
    Task<BotConversation?> LoadConversationAsync(string conversationId, CancellationToken ct = default);
    Task SaveConversationAsync(BotConversation conversation, CancellationToken ct = default);
    /// <summary>The member number of a Bot Framework user id, created on first sight.</summary>
    Task<long> MemberNumberAsync(string userId, CancellationToken ct = default);
}

/// <summary>One conversation as the channel needs it to reply: base URL, channel, the bot's own account, the installer.</summary>
public sealed record BotConversation(
    string Id,
    string ServiceUrl,
    string ChannelId,
    string BotId,
    string? BotName,
    long? InstallerMember);
