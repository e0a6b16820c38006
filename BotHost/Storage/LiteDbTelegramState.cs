using GroupPay.Channels.Telegram;

namespace GroupPay.BotHost.Storage;

/// <summary>The channel's small durable entries (migrated chats, chats the bot left), in the host's LiteDB file.</summary>
public sealed class LiteDbTelegramState(LiteDbStore store) : ITelegramChannelState
{
    private readonly LiteDB.ILiteCollection<LiteDB.BsonDocument> entries = store.Collection("telegram");

    public IEnumerable<KeyValuePair<string, string>> LoadAll() =>
        store.LockedNow(() => entries.FindAll().Select(d => KeyValuePair.Create(d["_id"].AsString, d["value"].AsString)).ToList());

    public void Put(string key, string? value) =>
        _ = store.LockedNow(() => value is null ? entries.Delete(key) : entries.Upsert(new LiteDB.BsonDocument { ["_id"] = key, ["value"] = value }));
}
