using System.Collections.Concurrent;
using System.Globalization;

namespace GroupPay.Channels.Telegram;

/// <summary>Durable key/value entries of the Telegram channel; the host keeps them beside the chats' data.</summary>
public interface ITelegramChannelState
{
    IEnumerable<KeyValuePair<string, string>> LoadAll();

    /// <summary>Writes an entry, or removes it when <paramref name="value"/> is null.</summary>
    void Put(string key, string? value);
}

/// <summary>
/// What the channel knows about Telegram chats beyond the engine's records: which platform chat a chat key lives in
/// now (a group upgraded to a supergroup gets a new id; the chat's data stays under its first key and follows it), and
/// which chats the bot may no longer write to (removed from the group, or answered 403).
/// </summary>
public sealed class TelegramChats
{
    public const string Channel = "telegram";
    private const string AliasPrefix = "alias:";
    private const string PlatformPrefix = "platform:";
    private const string StoppedPrefix = "stopped:";

    private readonly ITelegramChannelState state;
    private readonly ConcurrentDictionary<long, string> aliases = new();
    private readonly ConcurrentDictionary<string, long> platformIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> stopped = new(StringComparer.Ordinal);
    private readonly Lock writeGate = new();

    public TelegramChats(ITelegramChannelState state)
    {
        this.state = state;
        foreach (var (key, value) in state.LoadAll())
        {
            if (key.StartsWith(AliasPrefix, StringComparison.Ordinal) && long.TryParse(key[AliasPrefix.Length..], CultureInfo.InvariantCulture, out var alias))
            {
                aliases[alias] = value;
            }
            else if (key.StartsWith(PlatformPrefix, StringComparison.Ordinal) && long.TryParse(value, CultureInfo.InvariantCulture, out var id))
            {
                platformIds[key[PlatformPrefix.Length..]] = id;
            }
            else if (key.StartsWith(StoppedPrefix, StringComparison.Ordinal))
            {
                stopped[key[StoppedPrefix.Length..]] = true;
            }
        }
    }

    /// <summary>The chat key of a Telegram chat id: its own, or the key of the group it was migrated from.</summary>
    public string ChatKeyOf(long chatId) =>
        aliases.TryGetValue(chatId, out var key) ? key : $"{Channel}:{chatId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The Telegram chat id messages for <paramref name="chatKey"/> go to now.</summary>
    public long PlatformChatIdOf(string chatKey)
    {
        if (platformIds.TryGetValue(chatKey, out var id))
        {
            return id;
        }

        return chatKey.StartsWith(Channel + ":", StringComparison.Ordinal)
            && long.TryParse(chatKey.AsSpan(Channel.Length + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new ArgumentException($"'{chatKey}' is not a Telegram chat key.", nameof(chatKey));
    }

    /// <summary>A group became a supergroup: the chat's key (and with it every flow, debt and ledger entry) now lives at the new id.</summary>
    public void Migrate(long fromChatId, long toChatId)
    {
        lock (writeGate)
        {
            var key = ChatKeyOf(fromChatId);
            if (aliases.TryGetValue(toChatId, out var existing) && existing == key)
            {
                return;
            }

            state.Put(AliasPrefix + toChatId.ToString(CultureInfo.InvariantCulture), key);
            state.Put(PlatformPrefix + key, toChatId.ToString(CultureInfo.InvariantCulture));
            aliases[toChatId] = key;
            platformIds[key] = toChatId;
        }
    }

    public bool IsStopped(string chatKey) => stopped.ContainsKey(chatKey);

    public void SetStopped(string chatKey, bool value)
    {
        lock (writeGate)
        {
            if (value == IsStopped(chatKey))
            {
                return;
            }

            state.Put(StoppedPrefix + chatKey, value ? "1" : null);
            if (value)
            {
                stopped[chatKey] = true;
            }
            else
            {
                stopped.TryRemove(chatKey, out _);
            }
        }
    }
}
