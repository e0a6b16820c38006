using System.Collections.Concurrent;
using global::Telegram.Bot;
using global::Telegram.Bot.Exceptions;
using global::Telegram.Bot.Types;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.Telegram;

/// <summary>
/// A group's administrators and creator, from <c>getChatAdministrators</c>, trusted for a short time and asked again
/// before a sensitive action (settings, cancel, close, draw). When Telegram cannot be asked, the last list known is used.
/// </summary>
public sealed class TelegramAdmins(ITelegramBotClient bot, TelegramLimits limits, TimeProvider time, ILogger<TelegramAdmins> logger)
{
    private readonly ConcurrentDictionary<long, (DateTimeOffset At, HashSet<long> Ids)> cache = new();

    public async Task<bool> IsAdminAsync(long chatId, long userId, bool refresh, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!refresh && cache.TryGetValue(chatId, out var cached) && now - cached.At < limits.AdminCacheTime)
        {
            return cached.Ids.Contains(userId);
        }

        try
        {
            var members = await bot.GetChatAdministrators(chatId, cancellationToken: ct);
            var ids = members.Where(m => m.IsAdmin).Select(m => m.User.Id).ToHashSet();
            cache[chatId] = (now, ids);
            return ids.Contains(userId);
        }
        catch (RequestException exception)
        {
            logger.LogWarning("The administrators of chat {ChatId} could not be read ({Reason})", chatId, exception.Message);
            return cache.TryGetValue(chatId, out var stale) && stale.Ids.Contains(userId);
        }
    }
}
