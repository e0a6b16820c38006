using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GroupPay.Tests.Storage;

/// <summary>
/// Dedupe keys are forgotten after <see cref="DedupeRetention.Retention"/>: the LiteDB store walks its keys in steps
/// along the id index and deletes the old ones of each step; a restarted store's filter holds only the keys left.
/// </summary>
public sealed class LiteDbDedupeRetentionTests() : LiteDbStoreTests("test:retention")
{
    [Fact]
    public async Task Old_keys_are_forgotten_across_several_steps_and_a_restart_sees_only_the_rest()
    {
        var old = new List<string>();
        var kept = new List<string>();
        DateTimeOffset between;
        using (var store = new LiteDbStore(DatabasePath) { ForgetBatch = 3 })
        {
            await store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }));
            old.Add("test:turn:1");
            // Keys in id order: old and kept ones alternate, so every step of three holds both.
            foreach (var letter in "acegikm")
            {
                old.Add(await CommitKeyAsync(store, $"key-{letter}"));
            }

            await Task.Delay(50);
            between = DateTimeOffset.UtcNow;
            await Task.Delay(50);
            foreach (var letter in "bdfhjl")
            {
                kept.Add(await CommitKeyAsync(store, $"key-{letter}"));
            }

            Assert.Equal(0, await store.ForgetProcessedAsync(between.AddHours(-1)));
            Assert.Equal(0, store.ForgetSteps);
            Assert.Equal(old.Count, await store.ForgetProcessedAsync(between));
            Assert.Equal(5, store.ForgetSteps);
            await AssertKeysAsync(store);
            Assert.Equal(0, await store.ForgetProcessedAsync(between));
            Assert.Equal(5, store.ForgetSteps);
        }

        using var restarted = new LiteDbStore(DatabasePath) { ForgetBatch = 3 };
        await AssertKeysAsync(restarted);
        Assert.Equal(0, await restarted.ForgetProcessedAsync(between));
        Assert.Equal(0, restarted.ForgetSteps);
        Assert.Equal(kept.Count, await restarted.ForgetProcessedAsync(DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.False(await restarted.IsProcessedAsync(kept[0]));

        async Task AssertKeysAsync(IGroupPayStore store)
        {
            foreach (var key in old)
            {
                Assert.False(await store.IsProcessedAsync(key), key);
            }

            foreach (var key in kept)
            {
                Assert.True(await store.IsProcessedAsync(key), key);
            }
        }
    }

    [Fact]
    public async Task The_host_service_forgets_keys_once_they_are_older_than_the_retention()
    {
        using var store = new LiteDbStore(DatabasePath);
        await store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var retention = new DedupeRetention(store, clock, NullLogger<DedupeRetention>.Instance);

        Assert.Equal(0, await retention.RunOnceAsync(CancellationToken.None));
        clock.Advance(DedupeRetention.Retention - TimeSpan.FromHours(1));
        Assert.Equal(0, await retention.RunOnceAsync(CancellationToken.None));
        Assert.True(await store.IsProcessedAsync("test:turn:1"));

        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await retention.RunOnceAsync(CancellationToken.None));
        Assert.False(await store.IsProcessedAsync("test:turn:1"));
    }

    private async Task<string> CommitKeyAsync(LiteDbStore store, string key)
    {
        var chat = (await store.LoadChatAsync(ChatKey))!;
        await store.CommitAsync(new TurnCommit(key, chat, false, [], [], [], [], []));
        return key;
    }
}
