using GroupPay.Dialogs.Engine;

namespace GroupPay.Channels.Abstractions;

/// <summary>
/// Delivers the engine's effects to one platform. The outbox dispatcher calls it after a turn committed, in order per
/// chat; a card whose key was delivered before comes with that message's reference so it is edited in place.
/// </summary>
public interface IChannelSender
{
    /// <summary>The channel prefix of the chat keys it serves: <c>playground</c>, <c>telegram</c>, …</summary>
    string Channel { get; }

    /// <summary>Sends or edits; returns the platform's message reference for a card, so later edits can find it.</summary>
    Task<string?> DeliverAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct);
}
