using GroupPay.Channels.BotFramework;
using LiteDB;

namespace GroupPay.BotHost.Storage;

/// <summary>The Bot Framework channel's conversations (service URL, installer) and member numbers, in the host's LiteDB file.</summary>
public sealed class LiteDbBotFrameworkDirectory : IBotFrameworkDirectory
{
    private readonly LiteDbStore store;
    private readonly ILiteCollection<BsonDocument> conversations;
    private readonly ILiteCollection<BsonDocument> members;

    public LiteDbBotFrameworkDirectory(LiteDbStore store)
    {
        this.store = store;
        conversations = store.Collection("botframework_conversations");
        members = store.Collection("botframework_members");
        store.LockedNow(() => members.EnsureIndex("n", unique: true));
    }

    public Task<BotConversation?> LoadConversationAsync(string conversationId, CancellationToken ct = default) =>
        store.Locked(() => conversations.FindById(conversationId) is { } document ? StoreJson.Read<BotConversation>(document["data"].AsString) : null);

    public Task SaveConversationAsync(BotConversation conversation, CancellationToken ct = default) =>
        store.Locked(() => conversations.Upsert(new BsonDocument { ["_id"] = conversation.Id, ["data"] = StoreJson.Write(conversation) }));

    /// <summary>Numbers are handed out in order under the store's lock: one process owns the LiteDB file, so check-then-insert cannot race.</summary>
    public Task<long> MemberNumberAsync(string userId, CancellationToken ct = default) => store.Locked(() =>
    {
        if (members.FindById(userId) is { } known)
        {
            return known["n"].AsInt64;
        }

        var next = members.Count() == 0 ? 1 : members.Max("n").AsInt64 + 1;
        members.Insert(new BsonDocument { ["_id"] = userId, ["n"] = next });
        return next;
    });
}
