namespace GroupPay.Channels.Playground;

/// <summary>Where the playground keeps its groups and the messages that survive a restart; the host implements it over its database.</summary>
public interface IPlaygroundLog
{
    Task<IReadOnlyList<PlaygroundGroup>> GroupsAsync(CancellationToken ct = default);
    Task SaveGroupAsync(PlaygroundGroup group, CancellationToken ct = default);
    /// <summary>The latest <paramref name="max"/> messages of a group, oldest first.</summary>
    Task<IReadOnlyList<PlaygroundMessage>> MessagesAsync(string groupId, int max, CancellationToken ct = default);
    /// <summary>Inserts or replaces a message by its id (a card edited in place keeps its id).</summary>
    Task SaveMessageAsync(PlaygroundMessage message, CancellationToken ct = default);
}
