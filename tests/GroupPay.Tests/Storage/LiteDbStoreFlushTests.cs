using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Storage;

/// <summary>
/// LiteDB writes a commit into its log file without flushing it to the disk; the store flushes the log after each group
/// commit and says "committed" only after that (docs/decisions/0005-flush-the-litedb-log.md).
/// </summary>
public sealed class LiteDbStoreFlushTests() : LiteDbStoreTests("test:flush")
{
    [Fact]
    public async Task A_commit_is_acknowledged_and_its_messages_released_only_after_the_log_is_flushed()
    {
        using var flush = new HeldFlush();
        using var store = new LiteDbStore(DatabasePath, flush);

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
        using var flush = new FailingFlush();
        using var store = new LiteDbStore(DatabasePath, flush);

        var commit = Commit(new ChatRecord { Key = ChatKey }, Text("hello"));
        await Assert.ThrowsAsync<IOException>(() => store.CommitAsync(commit));

        // The platform's retry finds the turn processed, and its message is still sent.
        Assert.True(await store.IsProcessedAsync(commit.DedupeKey));
        Assert.Equal("hello", Assert.Single(await store.PendingOutboxAsync(10)).Text);
    }

    [Fact]
    public async Task The_log_flushed_is_the_file_LiteDB_writes()
    {
        using var flush = new LogFileFlush(DatabasePath);
        using (var store = new LiteDbStore(DatabasePath, flush))
        {
            await store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }, Text("hello")));
            Assert.True(File.Exists(LogFileFlush.LogPathOf(DatabasePath)), $"LiteDB's log is not {LogFileFlush.LogPathOf(DatabasePath)}");
            Assert.True(flush.Flushed >= 1, "a commit was acknowledged without the log being flushed");
        }

        using var reopened = new LiteDbStore(DatabasePath);
        Assert.Equal("hello", Assert.Single(await reopened.PendingOutboxAsync(10)).Text);
    }

    /// <summary>A flush that waits until the test lets it finish.</summary>
    private sealed class HeldFlush : ILogFlush
    {
        private int calls;

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Calls => Volatile.Read(ref calls);

        public void Flush()
        {
            Interlocked.Increment(ref calls);
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }

        /// <summary>The store disposes its flush too; the events are left to the collector so a second dispose is harmless.</summary>
        public void Dispose() => Release.Set();
    }

    private sealed class FailingFlush : ILogFlush
    {
        public void Flush() => throw new IOException("the disk refused the flush");

        public void Dispose()
        {
        }
    }
}
