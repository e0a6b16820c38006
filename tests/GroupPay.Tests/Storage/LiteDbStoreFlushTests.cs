using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Storage;

/// <summary>
/// LiteDB writes a commit into its log file without flushing it to the disk; the store flushes the log after each group
/// commit and says "committed" only after that (docs/decisions/0005-flush-the-litedb-log.md). The flush is the log file
/// the store hands LiteDB (<see cref="PageFile"/>); these tests hold it or make it fail.
/// </summary>
public sealed class LiteDbStoreFlushTests() : LiteDbStoreTests("test:flush")
{
    [Fact]
    public async Task A_commit_is_acknowledged_and_its_messages_released_only_after_the_log_is_flushed()
    {
        using var flush = new HeldFlush();
        using var store = new LiteDbStore(DatabasePath, log => flush.Around(log));

        var commit = store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }, Text("hello")));
        Assert.True(flush.Entered.Wait(TimeSpan.FromSeconds(10)), "the store never flushed the log");

        // Written to LiteDB, not yet on the disk: nobody has heard "committed", and no message may leave yet.
        Assert.False(commit.IsCompleted);
        Assert.Empty(await store.PendingOutboxAsync(10));

        flush.Release.Set();
        await commit;
        Assert.Equal("hello", Assert.Single(await store.PendingOutboxAsync(10)).Text);
        Assert.True(flush.Calls >= 1);
    }

    [Fact]
    public async Task A_failed_flush_fails_the_caller_and_keeps_what_was_committed()
    {
        using var store = new LiteDbStore(DatabasePath, _ => new FailingFlush());

        var commit = Commit(new ChatRecord { Key = ChatKey }, Text("hello"));
        await Assert.ThrowsAsync<IOException>(() => store.CommitAsync(commit));

        // The platform's retry finds the turn processed, and its message is still sent.
        Assert.True(await store.IsProcessedAsync(commit.DedupeKey));
        Assert.Equal("hello", Assert.Single(await store.PendingOutboxAsync(10)).Text);
    }

    [Fact]
    public async Task A_commit_is_in_the_log_file_before_it_is_acknowledged()
    {
        PageFile? log = null;
        using (var store = new LiteDbStore(DatabasePath, file => log = (PageFile)file))
        {
            await store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }, Text("hello")));

            // Read the way another process would: what the operating system has, not what the store holds in memory.
            Assert.Equal(LiteDbStore.LogPathOf(DatabasePath), log!.Path);
            var bytes = ReadShared(log.Path);
            Assert.True(bytes.Length >= 2 * 8192, $"the log holds {bytes.Length} bytes after an acknowledged commit");
            Assert.Contains(Enumerable.Range(0, bytes.Length / 8192), page => bytes[(page * 8192) + 18] == 1);
            Assert.True(log.Flushes >= 2, "the commit was acknowledged without the log reaching the disk");
        }

        using var reopened = new LiteDbStore(DatabasePath);
        Assert.Equal("hello", Assert.Single(await reopened.PendingOutboxAsync(10)).Text);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>A flush that waits until the test lets it finish, then flushes.</summary>
    private sealed class HeldFlush : IDisposable
    {
        private int calls;

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Calls => Volatile.Read(ref calls);

        public ILogFlush Around(ILogFlush log) => new Held(this, log);

        /// <summary>Lets a flush still held go on, so the store can close; the events are left to the collector.</summary>
        public void Dispose() => Release.Set();

        private sealed class Held(HeldFlush owner, ILogFlush log) : ILogFlush
        {
            public void Flush()
            {
                Interlocked.Increment(ref owner.calls);
                owner.Entered.Set();
                owner.Release.Wait(TimeSpan.FromSeconds(30));
                log.Flush();
            }
        }
    }

    private sealed class FailingFlush : ILogFlush
    {
        public void Flush() => throw new IOException("the disk refused the flush");
    }
}
