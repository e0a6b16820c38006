using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Storage;

/// <summary>A throw-away folder for one test's LiteDB file, and the smallest turns to commit into it.</summary>
public abstract class LiteDbStoreTests(string chatKey) : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "grouppay-tests", Guid.NewGuid().ToString("N"));
    private int turn;

    protected string ChatKey { get; } = chatKey;

    protected string Folder => folder;

    protected string DatabasePath => Path.Combine(folder, "grouppay.db");

    /// <summary>A dedupe key no earlier turn of the test used.</summary>
    protected string NextTurnKey() => $"test:turn:{++turn}";

    /// <summary>A turn that saves <paramref name="chat"/> and posts <paramref name="outbox"/>.</summary>
    protected TurnCommit Commit(ChatRecord chat, params OutboxItem[] outbox) =>
        new(NextTurnKey(), chat, true, [], [], [], [], outbox);

    protected OutboxItem Text(string text) =>
        new() { ChatKey = ChatKey, Kind = OutboxKind.Text, Text = text, CreatedAt = DateTimeOffset.UnixEpoch };

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
