using GroupPay.Channels.Playground;
using LiteDB;

namespace GroupPay.BotHost.Storage;

/// <summary>The playground's groups and kept messages, in two collections of the host's LiteDB file.</summary>
public sealed class LiteDbPlaygroundLog : IPlaygroundLog
{
    private readonly ILiteCollection<BsonDocument> groups;
    private readonly ILiteCollection<BsonDocument> messages;

    public LiteDbPlaygroundLog(LiteDbStore store)
    {
        groups = store.Collection("playground_groups");
        messages = store.Collection("playground_messages");
        messages.EnsureIndex("group");
    }

    public Task<IReadOnlyList<PlaygroundGroup>> GroupsAsync(CancellationToken ct = default)
    {
        IReadOnlyList<PlaygroundGroup> result = groups.FindAll().Select(d => StoreJson.Read<PlaygroundGroup>(d["data"].AsString)).ToList();
        return Task.FromResult(result);
    }

    public Task SaveGroupAsync(PlaygroundGroup group, CancellationToken ct = default)
    {
        groups.Upsert(new BsonDocument { ["_id"] = group.Id, ["data"] = StoreJson.Write(group) });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PlaygroundMessage>> MessagesAsync(string groupId, int max, CancellationToken ct = default)
    {
        IReadOnlyList<PlaygroundMessage> result = messages.Find(Query.EQ("group", groupId))
            .OrderByDescending(d => d["seq"].AsInt64)
            .Take(max)
            .Select(d => StoreJson.Read<PlaygroundMessage>(d["data"].AsString))
            .Reverse()
            .ToList();
        return Task.FromResult(result);
    }

    public Task SaveMessageAsync(PlaygroundMessage message, CancellationToken ct = default)
    {
        messages.Upsert(new BsonDocument
        {
            ["_id"] = $"{message.GroupId}/{message.Id}",
            ["group"] = message.GroupId,
            ["seq"] = message.Sequence,
            ["data"] = StoreJson.Write(message),
        });
        return Task.CompletedTask;
    }
}
