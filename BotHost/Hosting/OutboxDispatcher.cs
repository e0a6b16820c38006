using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;

namespace GroupPay.BotHost.Hosting;

/// <summary>
/// Delivers committed effects to their channels, in order, after the turn that decided them. An item stays pending
/// until its channel accepted it, so a crash between commit and delivery delivers it on the next start. Items are
/// claimed a chat at a time, so when several hosts share one database each chat is delivered by one host, in order.
/// </summary>
public sealed class OutboxDispatcher : BackgroundService, IInlineOutbox
{
    private readonly IGroupPayStore store;
    private readonly Dictionary<string, IChannelSender> senders;
    private readonly Metrics metrics;
    private readonly ILogger<OutboxDispatcher> logger;
    private readonly SemaphoreSlim signal = new(0);
    private const int MaxAttempts = 10;
    private readonly Dictionary<long, int> failures = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> running = new(StringComparer.Ordinal);
    /// <summary>
    /// Claiming chats and ending a chat's delivery exclude each other. Otherwise a round could read a chat's items just
    /// before its running delivery marks them and releases the chat, then deliver that stale list a second time.
    /// </summary>
    private readonly SemaphoreSlim claiming = new(1, 1);
    private readonly Dictionary<string, int> inlineWaiting = new(StringComparer.Ordinal);

    public OutboxDispatcher(IGroupPayStore store, DialogEngine engine, IEnumerable<IChannelSender> senders, Metrics metrics, ILogger<OutboxDispatcher> logger)
    {
        this.store = store;
        this.senders = senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);
        this.metrics = metrics;
        this.logger = logger;
        engine.Committed += _ => Wake();
    }

    public void Wake()
    {
        if (signal.CurrentCount == 0)
        {
            signal.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeliverPendingAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Outbox delivery round failed");
            }

            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await DrainAsync(CancellationToken.None);
    }

    /// <summary>
    /// Starts delivery for every chat with pending items that is not already being delivered. Chats are delivered in
    /// parallel, each in its own order, so one chat waiting on a rate limit never holds up another.
    /// </summary>
    public async Task DeliverPendingAsync(CancellationToken ct)
    {
        await claiming.WaitAsync(ct);
        try
        {
            // Chats being delivered, or awaited by an inline claim, are left out by the store (not read, not copied).
            var claimed = await store.ClaimOutboxAsync(1000, chat => running.ContainsKey(chat) || IsAwaitedInline(chat), ct);
            foreach (var chat in claimed.GroupBy(item => item.ChatKey))
            {
                var items = chat.ToList();
                if (!IsAwaitedInline(chat.Key) && running.TryAdd(chat.Key, Task.CompletedTask))
                {
                    running[chat.Key] = Task.Run(async () =>
                    {
                        try
                        {
                            await DeliverChatAsync(items, null, ct);
                        }
                        finally
                        {
                            await EndChatAsync(chat.Key);
                            Wake();
                        }
                    }, CancellationToken.None);
                }
            }
        }
        finally
        {
            claiming.Release();
        }
    }

    /// <summary>Waits until every delivery started so far has finished (used at shutdown and by tests).</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        await DeliverPendingAsync(ct);
        while (!running.IsEmpty)
        {
            await Task.WhenAll(running.Values);
            await DeliverPendingAsync(ct);
        }
    }

    /// <summary>Gives the chat back to every host; a failure to release only delays it until the claim's lease runs out.</summary>
    private async Task EndChatAsync(string chatKey)
    {
        await claiming.WaitAsync(CancellationToken.None);
        try
        {
            await store.ReleaseOutboxChatAsync(chatKey, CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Releasing the outbox of {ChatKey} failed; its lease will run out", chatKey);
        }
        finally
        {
            running.TryRemove(chatKey, out _);
            claiming.Release();
        }
    }

    /// <summary>
    /// Holds the chat's delivery guard for an inbound adapter that answers inline; the dispatcher skips the chat
    /// until the returned delivery is disposed.
    /// </summary>
    public async Task<IInlineDelivery?> ClaimAsync(string chatKey, TimeSpan wait, CancellationToken ct)
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        CountInlineWaiting(chatKey, +1);
        try
        {
            while (!running.TryAdd(chatKey, released.Task))
            {
                if (!running.TryGetValue(chatKey, out var holder) || holder.IsCompleted)
                {
                    // The dispatcher is between reserving the chat and starting its delivery, or just releasing it.
                    await Task.Yield();
                    continue;
                }

                try
                {
                    await holder.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return null;
                }
            }
        }
        finally
        {
            CountInlineWaiting(chatKey, -1);
        }

        return new InlineDelivery(this, chatKey, released);
    }

    /// <summary>A chat an inline claim waits for is left to that claim, so the dispatcher does not slip in between.</summary>
    private bool IsAwaitedInline(string chatKey)
    {
        lock (inlineWaiting)
        {
            return inlineWaiting.ContainsKey(chatKey);
        }
    }

    private void CountInlineWaiting(string chatKey, int delta)
    {
        lock (inlineWaiting)
        {
            var count = inlineWaiting.GetValueOrDefault(chatKey) + delta;
            if (count == 0)
            {
                inlineWaiting.Remove(chatKey);
            }
            else
            {
                inlineWaiting[chatKey] = count;
            }
        }
    }

    private sealed class InlineDelivery(OutboxDispatcher dispatcher, string chatKey, TaskCompletionSource released) : IInlineDelivery
    {
        public async Task DeliverPendingAsync(IChannelSender sender, CancellationToken ct)
        {
            var items = (await dispatcher.store.PendingOutboxAsync(1000, ct)).Where(i => i.ChatKey == chatKey).ToList();
            await dispatcher.DeliverChatAsync(items, sender, ct);
        }

        public async ValueTask DisposeAsync()
        {
            await dispatcher.EndChatAsync(chatKey);
            released.TrySetResult();
            dispatcher.Wake();
        }
    }

    /// <summary>Delivers one chat's items in order; <paramref name="inline"/>, when given, replaces the channel's sender and a failure leaves the rest to the dispatcher at once.</summary>
    private async Task DeliverChatAsync(List<OutboxItem> items, IChannelSender? inline, CancellationToken ct)
    {
        var latestCard = items.Where(i => i.CardKey is not null).GroupBy(i => i.CardKey!).ToDictionary(g => g.Key, g => g.Max(i => i.Id));
        foreach (var item in items)
        {
            IChannelSender? sender = inline;
            if (item.CardKey is not null && latestCard[item.CardKey] != item.Id)
            {
                await store.MarkDeliveredAsync(item.Id, ct);
                continue;
            }

            if (inline is null && !senders.TryGetValue(ChannelIdentity.ChannelOf(item.ChatKey), out sender))
            {
                logger.LogWarning("No channel delivers to {ChatKey}; outbox item {Id} dropped", item.ChatKey, item.Id);
                await store.MarkDeliveredAsync(item.Id, ct);
                continue;
            }

            try
            {
                var existing = item.CardKey is null ? null : await store.LoadCardRefAsync(item.ChatKey, item.CardKey, ct);
                var messageRef = await sender!.DeliverAsync(item, existing, ct);
                if (item.CardKey is not null && messageRef is not null && messageRef != existing)
                {
                    await store.SaveCardRefAsync(item.ChatKey, item.CardKey, messageRef, ct);
                }

                await store.MarkDeliveredAsync(item.Id, ct);
                lock (failures)
                {
                    failures.Remove(item.Id);
                }

                metrics.OutboundSent();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                metrics.OutboundFailed();
                int count;
                lock (failures)
                {
                    count = failures[item.Id] = failures.GetValueOrDefault(item.Id) + 1;
                }

                logger.LogWarning(exception, "Delivery of outbox item {Id} to {ChatKey} failed (attempt {Attempt})", item.Id, item.ChatKey, count);
                if (count < MaxAttempts)
                {
                    if (inline is not null)
                    {
                        return;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * (1 << count))), ct);
                    return;
                }

                logger.LogError("Outbox item {Id} to {ChatKey} given up after {Attempt} attempts", item.Id, item.ChatKey, count);
                await store.MarkDeliveredAsync(item.Id, ct);
                lock (failures)
                {
                    failures.Remove(item.Id);
                }
            }
        }
    }
}
