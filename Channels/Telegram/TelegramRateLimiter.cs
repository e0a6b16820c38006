namespace GroupPay.Channels.Telegram;

/// <summary>
/// Telegram's published sending limits (bots FAQ): about one message per second in a chat, with short bursts; at most
/// 20 messages a minute in a group (we keep to 18); about 30 a second overall (we keep to 25). Tests may scale them down.
/// </summary>
public sealed class TelegramLimits
{
    public const string Section = "Telegram:Limits";

    public TimeSpan ChatInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int ChatBurst { get; set; } = 3;
    public TimeSpan GroupWindow { get; set; } = TimeSpan.FromMinutes(1);
    public int GroupMax { get; set; } = 18;
    public int GlobalPerSecond { get; set; } = 25;
    /// <summary>How often one message is tried again after a 429 before the outbox takes over.</summary>
    public int MaxRetries { get; set; } = 5;
    /// <summary>How long the list of a group's administrators is trusted.</summary>
    public TimeSpan AdminCacheTime { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How long one <c>getUpdates</c> call waits for updates (long polling).</summary>
    public int LongPollSeconds { get; set; } = 25;
    /// <summary>How long one Bot API call may take; by default the long poll plus 30 s.</summary>
    public TimeSpan? RequestTimeout { get; set; }
}

/// <summary>
/// Decides when the next message to a chat may go out, so the bot stays under Telegram's limits instead of learning them
/// from 429s. Each send reserves a slot: per chat a cell-rate schedule (one per <see cref="TelegramLimits.ChatInterval"/>,
/// bursts of <see cref="TelegramLimits.ChatBurst"/>), per group a sliding window, overall a cell-rate schedule; a 429's
/// <c>retry_after</c> blocks the chat until then. Thread-safe; chats wait independently.
/// </summary>
public sealed class TelegramRateLimiter(TelegramLimits limits, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, ChatSchedule> chats = [];
    private DateTimeOffset globalArrival = DateTimeOffset.UnixEpoch;

    public async Task WaitTurnAsync(long chatId, CancellationToken ct)
    {
        TimeSpan delay;
        lock (gate)
        {
            var now = time.GetUtcNow();
            delay = Reserve(chatId, now) - now;
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, ct);
        }
    }

    /// <summary>Telegram answered 429: nothing more goes to this chat before <paramref name="retryAfter"/> has passed.</summary>
    public void Backoff(long chatId, TimeSpan retryAfter)
    {
        lock (gate)
        {
            var schedule = Schedule(chatId);
            var until = time.GetUtcNow() + retryAfter;
            if (until > schedule.BlockedUntil)
            {
                schedule.BlockedUntil = until;
            }
        }
    }

    private DateTimeOffset Reserve(long chatId, DateTimeOffset now)
    {
        var schedule = Schedule(chatId);
        var chatTolerance = limits.ChatInterval * Math.Max(0, limits.ChatBurst - 1);
        var at = Max(now, schedule.BlockedUntil, schedule.Arrival - chatTolerance);
        var isGroup = chatId < 0;
        if (isGroup && schedule.Sent.Count >= limits.GroupMax)
        {
            at = Max(at, schedule.Sent.Peek() + limits.GroupWindow);
        }

        var globalInterval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / Math.Max(1, limits.GlobalPerSecond));
        at = Max(at, globalArrival - globalInterval * Math.Max(0, limits.GlobalPerSecond - 1));

        schedule.Arrival = Max(schedule.Arrival, at) + limits.ChatInterval;
        globalArrival = Max(globalArrival, at) + globalInterval;
        if (isGroup)
        {
            schedule.Sent.Enqueue(at);
            while (schedule.Sent.Count > limits.GroupMax)
            {
                schedule.Sent.Dequeue();
            }
        }

        return at;
    }

    private ChatSchedule Schedule(long chatId)
    {
        if (!chats.TryGetValue(chatId, out var schedule))
        {
            chats[chatId] = schedule = new ChatSchedule();
        }

        return schedule;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c) => Max(Max(a, b), c);

    private sealed class ChatSchedule
    {
        public DateTimeOffset Arrival { get; set; } = DateTimeOffset.UnixEpoch;
        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.UnixEpoch;
        /// <summary>Reserved send times in a group, oldest first, at most <see cref="TelegramLimits.GroupMax"/>.</summary>
        public Queue<DateTimeOffset> Sent { get; } = new();
    }
}
