using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Storage;

/// <summary>
/// The LiteDB store serves what it committed from memory (records, dedupe keys, outbox ids); these check that what it
/// serves is what the file holds, also after a restart, and that the memory it uses stays bounded.
/// </summary>
public sealed class LiteDbStoreMemoryTests() : LiteDbStoreTests("test:memory")
{
    [Fact]
    public void LiteDBs_page_cache_grows_by_segments_of_at_most_250_pages_after_its_first_three()
    {
        using var store = new LiteDbStore(DatabasePath);

        Assert.True(LiteDbStore.CacheSegmentsLimited, "LiteDB no longer has the array of cache segment sizes the store limits");
        var sizes = (int[])typeof(LiteDB.LiteDatabase).Assembly.GetType("LiteDB.Constants")!
            .GetField("MEMORY_SEGMENT_SIZES", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .GetValue(null)!;
        Assert.Equal([12, 50, 100], sizes[..3]);
        Assert.All(sizes[3..], size => Assert.Equal(LiteDbStore.CacheSegmentPages, size));
    }

    [Fact]
    public async Task Each_load_is_a_private_copy_of_the_last_commit()
    {
        using var store = new LiteDbStore(DatabasePath);
        await store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }));

        var first = (await store.LoadChatAsync(ChatKey))!;
        first.NextFlowNumber = 99;
        Assert.Equal(1, (await store.LoadChatAsync(ChatKey))!.NextFlowNumber);

        first.NextFlowNumber = 5;
        await store.CommitAsync(Commit(first));
        var second = (await store.LoadChatAsync(ChatKey))!;
        Assert.Equal(5, second.NextFlowNumber);
        Assert.Equal(2, second.Version);
    }

    [Fact]
    public async Task A_stale_save_is_refused_by_the_versions_held_in_memory_and_its_versions_are_put_back()
    {
        using var store = new LiteDbStore(DatabasePath);
        await store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }));
        var a = (await store.LoadChatAsync(ChatKey))!;
        var b = (await store.LoadChatAsync(ChatKey))!;
        await store.CommitAsync(Commit(a));

        await Assert.ThrowsAsync<ConcurrencyException>(() => store.CommitAsync(Commit(b)));
        Assert.Equal(1, b.Version);
        Assert.Equal(2, (await store.LoadChatAsync(ChatKey))!.Version);
    }

    [Fact]
    public async Task Dedupe_keys_records_and_outbox_ids_survive_a_restart_even_when_every_item_was_delivered()
    {
        long firstId;
        using (var store = new LiteDbStore(DatabasePath))
        {
            await store.CommitAsync(Commit(new ChatRecord { Key = ChatKey }, Text("one")) with { DedupeKey = "test:update:1" });
            firstId = (await store.PendingOutboxAsync(10)).Single().Id;
            await store.MarkDeliveredAsync(firstId);
            Assert.Empty(await store.PendingOutboxAsync(10));
        }

        using (var store = new LiteDbStore(DatabasePath))
        {
            Assert.True(await store.IsProcessedAsync("test:update:1"));
            Assert.False(await store.IsProcessedAsync("test:update:2"));
            var chat = (await store.LoadChatAsync(ChatKey))!;
            Assert.Equal(1, chat.Version);
            await store.CommitAsync(Commit(chat, Text("two")) with { DedupeKey = "test:update:2" });
            var pending = Assert.Single(await store.PendingOutboxAsync(10));
            Assert.Equal("two", pending.Text);
            Assert.True(pending.Id > firstId, $"id {pending.Id} after a restart must follow {firstId}");
        }
    }

    [Fact]
    public void The_key_filter_never_forgets_a_key_and_rarely_claims_one_it_never_saw()
    {
        var filter = new KeyFilter(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            filter.Add($"telegram:update:{i}");
        }

        for (var i = 0; i < 100_000; i++)
        {
            Assert.True(filter.MightContain($"telegram:update:{i}"));
        }

        var falsePositives = Enumerable.Range(100_000, 100_000).Count(i => filter.MightContain($"telegram:update:{i}"));
        Assert.True(falsePositives < 1_000, $"{falsePositives} of 100,000 unseen keys were reported as seen");
    }

    [Fact]
    public void The_record_cache_stays_within_its_capacity_and_keeps_the_newest_value()
    {
        var cache = new RecordCache<string>(100);
        for (var i = 0; i < 1_000; i++)
        {
            cache.Set($"k{i}", $"v{i}");
            Assert.True(cache.Count <= 100);
        }

        cache.Set("k999", "newer");
        Assert.True(cache.TryGet("k999", out var value));
        Assert.Equal("newer", value);
    }
}
