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
    private readonly Dictionary<long, int> failures = [];

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

        await DeliverPendingAsync(CancellationToken.None);
    }

    /// <summary>One pass over the pending items; a chat whose delivery failed is skipped for the rest of the pass to keep its order.</summary>
    public async Task DeliverPendingAsync(CancellationToken ct)
    {
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in await store.PendingOutboxAsync(500, ct))
        {
            if (blocked.Contains(item.ChatKey))
            {
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
                failures.Remove(item.Id);
                metrics.OutboundSent();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                metrics.OutboundFailed();
                blocked.Add(item.ChatKey);
                var count = failures[item.Id] = failures.GetValueOrDefault(item.Id) + 1;
                logger.LogWarning(exception, "Delivery of outbox item {Id} to {ChatKey} failed (attempt {Attempt})", item.Id, item.ChatKey, count);
                if (count >= 10)
                {
                    logger.LogError("Outbox item {Id} to {ChatKey} given up after {Attempt} attempts", item.Id, item.ChatKey, count);
                    await store.MarkDeliveredAsync(item.Id, ct);
                    failures.Remove(item.Id);
                }
            }
        }
    }
}
