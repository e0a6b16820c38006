using GroupPay.Channels.Telegram;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;

namespace GroupPay.BotHost.Telegram;

/// <summary>
/// Long polling. A batch's updates run chat by chat in parallel, each chat in order; the offset that confirms them to
/// Telegram is sent only after their turns committed, so a crash redelivers them (and the update id makes that a no-op).
/// An update that keeps failing is given up after a few tries rather than holding the queue forever.
/// </summary>
public sealed class TelegramPolling(
    ITelegramBotClient bot, TelegramBotIdentity identity, TelegramUpdateHandler handler, TelegramLimits limits, ILogger<TelegramPolling> logger)
    : BackgroundService
{
    private const int MaxFailuresPerUpdate = 5;
    private readonly Dictionary<int, int> failures = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int? offset = null;
        var pause = TimeSpan.FromSeconds(1);
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!started)
                {
                    await bot.DeleteWebhook(cancellationToken: stoppingToken);
                    var me = await identity.GetAsync(stoppingToken);
                    logger.LogInformation("Telegram: polling as @{Username}", me.Username);
                    started = true;
                }

                var updates = await bot.GetUpdates(offset, 100, limits.LongPollSeconds, TelegramUpdateHandler.AllowedUpdates, stoppingToken);
                if (updates.Length > 0)
                {
                    offset = await RunAsync(updates, stoppingToken);
                }

                pause = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is RequestException or HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning("Telegram polling failed ({Reason}); trying again in {Seconds} s", exception.Message, pause.TotalSeconds);
                await Task.Delay(pause, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                pause = TimeSpan.FromSeconds(Math.Min(60, pause.TotalSeconds * 2));
            }
        }
    }

    /// <summary>Runs a batch and returns the next offset: past the last update, or at the first one that must be tried again.</summary>
    private async Task<int> RunAsync(Update[] updates, CancellationToken ct)
    {
        var failed = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Task.WhenAll(updates.GroupBy(ChatOf).Select(chat => Task.Run(async () =>
        {
            var stuck = false;
            foreach (var update in chat.OrderBy(u => u.Id))
            {
                if (stuck)
                {
                    break;
                }

                try
                {
                    await handler.HandleAsync(update, ct);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    if (GiveUp(update.Id))
                    {
                        logger.LogError(exception, "Telegram update {UpdateId} failed {Count} times; skipped", update.Id, MaxFailuresPerUpdate);
                    }
                    else
                    {
                        logger.LogWarning(exception, "Telegram update {UpdateId} failed; it will be fetched again", update.Id);
                        failed.Add(update.Id);
                        stuck = true;
                    }
                }
            }
        }, ct)));

        return failed.IsEmpty ? updates.Max(u => u.Id) + 1 : failed.Min();
    }

    private bool GiveUp(int updateId)
    {
        lock (failures)
        {
            var count = failures[updateId] = failures.GetValueOrDefault(updateId) + 1;
            if (count < MaxFailuresPerUpdate)
            {
                return false;
            }

            failures.Remove(updateId);
            return true;
        }
    }

    private static long ChatOf(Update update) =>
        update.Message?.Chat.Id ?? update.CallbackQuery?.Message?.Chat.Id ?? update.MyChatMember?.Chat.Id ?? update.CallbackQuery?.From.Id
        ?? update.PreCheckoutQuery?.From.Id ?? update.Id;
}

/// <summary>Webhook mode: tells Telegram where to deliver (with the secret, the update types and a connection cap), retrying until it is set.</summary>
public sealed class TelegramWebhookRegistration(
    ITelegramBotClient bot, TelegramBotIdentity identity, string url, string secret, ILogger<TelegramWebhookRegistration> logger) : BackgroundService
{
    public const int MaxConnections = 40;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var me = await identity.GetAsync(stoppingToken);
                await bot.SetWebhook(url, maxConnections: MaxConnections, allowedUpdates: TelegramUpdateHandler.AllowedUpdates,
                    secretToken: secret, cancellationToken: stoppingToken);
                logger.LogInformation("Telegram: webhook set for @{Username} at {Url}", me.Username, url);
                return;
            }
            catch (Exception exception) when (exception is RequestException or HttpRequestException)
            {
                logger.LogWarning("Setting the Telegram webhook failed ({Reason}); trying again in {Seconds} s", exception.Message, pause.TotalSeconds);
                await Task.Delay(pause, stoppingToken);
                pause = TimeSpan.FromSeconds(Math.Min(60, pause.TotalSeconds * 2));
            }
        }
    }
}
