namespace GroupPay.Channels.Abstractions;

/// <summary>
/// Lets an inbound adapter deliver a chat's committed outbox items itself, for example as the HTTP answer to the
/// request that caused them, under the same per-chat guard the outbox dispatcher uses. While an adapter holds a chat,
/// the dispatcher leaves that chat alone, so each item reaches the platform exactly once.
/// </summary>
public interface IInlineOutbox
{
    /// <summary>Waits up to <paramref name="wait"/> for the chat's delivery guard; null when another delivery still holds it.</summary>
    Task<IInlineDelivery?> ClaimAsync(string chatKey, TimeSpan wait, CancellationToken ct);
}

/// <summary>A held chat. Disposing it hands the chat back to the dispatcher, which delivers whatever is still pending.</summary>
public interface IInlineDelivery : IAsyncDisposable
{
    /// <summary>
    /// Delivers the chat's pending items in order through <paramref name="sender"/>, exactly as the dispatcher would;
    /// an item the sender throws on stays pending (and the rest with it) for the dispatcher to retry.
    /// </summary>
    Task DeliverPendingAsync(IChannelSender sender, CancellationToken ct);
}
