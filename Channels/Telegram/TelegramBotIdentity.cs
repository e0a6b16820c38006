using global::Telegram.Bot;
using global::Telegram.Bot.Types;

namespace GroupPay.Channels.Telegram;

/// <summary>The bot's own user (id and username) from <c>getMe</c>, asked once and kept; a failed ask is tried again next time.</summary>
public sealed class TelegramBotIdentity(ITelegramBotClient bot)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private User? me;

    public async Task<User> GetAsync(CancellationToken ct)
    {
        if (me is { } known)
        {
            return known;
        }

        await gate.WaitAsync(ct);
        try
        {
            return me ??= await bot.GetMe(ct);
        }
        finally
        {
            gate.Release();
        }
    }
}
