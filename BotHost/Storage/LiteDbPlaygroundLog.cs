using GroupPay.Channels.Playground;
using LiteDB;

namespace GroupPay.BotHost.Storage;

/// <summary>The playground's groups and kept messages, in two collections of the host's LiteDB file.</summary>
public sealed class LiteDbPlaygroundLog : IPlaygroundLog
{
    private readonly LiteDbStore store;
    private readonly ILiteCollection<BsonDocument> groups;
    private readonly ILiteCollection<BsonDocument> messages;

    public LiteDbPlaygroundLog(LiteDbStore store)
    {
        this.store = store;
        groups = store.Collection("playground_groups");
        messages = store.Collection("playground_messages");
        store.LockedNow(() => messages.EnsureIndex("group"));
    }

    public Task<IReadOnlyList<PlaygroundGroup>> GroupsAsync(CancellationToken ct = default) =>
        store.Locked<IReadOnlyList<PlaygroundGroup>>(() => groups.FindAll().Select(d => StoreJson.Read<PlaygroundGroup>(d["data"].AsString)).ToList());

    public Task SaveGroupAsync(PlaygroundGroup group, CancellationToken ct = default) =>
        store.Locked(() => groups.Upsert(new BsonDocument { ["_id"] = group.Id, ["data"] = StoreJson.Write(group) }));

    public Task<IReadOnlyList<PlaygroundMessage>> MessagesAsync(string groupId, int max, CancellationToken ct = default) =>
        store.Locked<IReadOnlyList<PlaygroundMessage>>(() => messages.Find(LiteQuery.Eq("group", groupId))
            .OrderByDescending(d => d["seq"].AsInt64)
            .Take(max)
            .Select(d => StoreJson.Read<PlaygroundMessage>(d["data"].AsString))
            .Reverse()
            .ToList());

    public Task SaveMessageAsync(PlaygroundMessage message, CancellationToken ct = default) =>
        store.Locked(() => messages.Upsert(new BsonDocument
        {
            ["_id"] = $"{message.GroupId}/{message.Id}",
            ["group"] = message.GroupId,
            ["seq"] = message.Sequence,
            ["data"] = StoreJson.Write(message),
        }));
}
