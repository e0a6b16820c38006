using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;

namespace GroupPay.BotHost.Hosting;

/// <summary>
/// Delivers committed effects to their channels, in order, after the turn that decided them. An item stays pending
/// until its channel accepted it, so a crash between commit and delivery delivers it on the next start.
/// </summary>
public sealed class OutboxDispatcher : BackgroundService
{
    private readonly IGroupPayStore store;
    private readonly Dictionary<string, IChannelSender> senders;
    private readonly Metrics metrics;
    private readonly ILogger<OutboxDispatcher> logger;
    private readonly SemaphoreSlim signal = new(0);
    private const int MaxAttempts = 10;
    private readonly Dictionary<long, int> failures = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> running = new(StringComparer.Ordinal);

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
        foreach (var chat in (await store.PendingOutboxAsync(1000, ct)).GroupBy(item => item.ChatKey))
        {
            var items = chat.ToList();
            if (running.TryAdd(chat.Key, Task.CompletedTask))
            {
                running[chat.Key] = Task.Run(async () =>
                {
                    try
                    {
                        await DeliverChatAsync(items, ct);
                    }
                    finally
                    {
                        running.TryRemove(chat.Key, out _);
                        Wake();
                    }
                }, CancellationToken.None);
            }
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

    private async Task DeliverChatAsync(List<OutboxItem> items, CancellationToken ct)
    {
        var latestCard = items.Where(i => i.CardKey is not null).GroupBy(i => i.CardKey!).ToDictionary(g => g.Key, g => g.Max(i => i.Id));
        foreach (var item in items)
        {
            if (item.CardKey is not null && latestCard[item.CardKey] != item.Id)
            {
                await store.MarkDeliveredAsync(item.Id, ct);
                continue;
            }

            if (!senders.TryGetValue(ChannelIdentity.ChannelOf(item.ChatKey), out var sender))
            {
                logger.LogWarning("No channel delivers to {ChatKey}; outbox item {Id} dropped", item.ChatKey, item.Id);
                await store.MarkDeliveredAsync(item.Id, ct);
                continue;
            }

            try
            {
                var existing = item.CardKey is null ? null : await store.LoadCardRefAsync(item.ChatKey, item.CardKey, ct);
                var messageRef = await sender.DeliverAsync(item, existing, ct);
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
