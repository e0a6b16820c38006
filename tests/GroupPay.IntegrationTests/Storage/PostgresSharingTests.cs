using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;

namespace GroupPay.IntegrationTests.Storage;

/// <summary>Two hosts' stores over one PostgreSQL database: migrations, chat locks and claims are shared, not duplicated.</summary>
public sealed class PostgresSharingTests
{
    private const string ChatKey = "test:shared";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Hosts_starting_together_apply_each_migration_once()
    {
        await using var database = await TestPostgres.CreateAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresStore.OpenAsync(database.ConnectionString)));

        Assert.Equal(PostgresStore.SchemaVersion, await database.CountAsync("SELECT count(*) FROM schema_migrations"));
        foreach (var store in stores)
        {
            Assert.True(await store.PingAsync());
            await store.DisposeAsync();
        }

        await using var again = await PostgresStore.OpenAsync(database.ConnectionString);
        Assert.Equal(PostgresStore.SchemaVersion, await database.CountAsync("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task A_chat_locked_by_one_host_waits_for_it_on_the_other_while_other_chats_go_on()
    {
        await using var database = await TestPostgres.CreateAsync();
        await using var hostA = await PostgresStore.OpenAsync(database.ConnectionString);
        await using var hostB = await PostgresStore.OpenAsync(database.ConnectionString);

        var held = await hostA.LockChatAsync(ChatKey);
        var waiting = hostB.LockChatAsync(ChatKey);
        await using (await hostB.LockChatAsync("test:another-chat"))
        {
            Assert.True(await hostB.PingAsync());
        }

        await WaitUntilAsync(async () => await database.CountAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 1);
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await (await waiting).DisposeAsync();
    }

    [Fact]
    public async Task A_chat_outbox_claimed_by_one_host_is_not_handed_to_another_until_released_or_its_lease_runs_out()
    {
        await using var database = await TestPostgres.CreateAsync();
        await using var hostA = await PostgresStore.OpenAsync(database.ConnectionString);
        await using var hostB = await PostgresStore.OpenAsync(database.ConnectionString);
        await using var crashing = await PostgresStore.OpenAsync(database.ConnectionString, claimLease: TimeSpan.Zero);
        await hostA.CommitAsync(Turn("t1", new ChatRecord { Key = ChatKey }, outbox: [Text(ChatKey, "hello")]));
        await hostA.CommitAsync(Turn("t2", new ChatRecord { Key = "test:other" }, outbox: [Text("test:other", "hi")]));

        var claimedByA = await hostA.ClaimOutboxAsync(100);
        Assert.Equal(2, claimedByA.Count);
        Assert.Empty(await hostB.ClaimOutboxAsync(100));

        await hostA.ReleaseOutboxChatAsync(ChatKey);
        Assert.Equal(["hello"], (await hostB.ClaimOutboxAsync(100)).Select(i => i.Text));
        await hostB.MarkDeliveredAsync(claimedByA.Single(i => i.ChatKey == ChatKey).Id);
        await hostB.ReleaseOutboxChatAsync(ChatKey);
        Assert.Empty(await crashing.ClaimOutboxAsync(100));

        await hostA.ReleaseOutboxChatAsync("test:other");
        Assert.Equal(["hi"], (await crashing.ClaimOutboxAsync(100)).Select(i => i.Text));
        // The crashing host never releases; its zero-length lease has already run out, so the chat comes back.
        Assert.Equal(["hi"], (await hostB.ClaimOutboxAsync(100)).Select(i => i.Text));
    }

    [Fact]
    public async Task A_due_flow_is_claimed_by_one_host_and_returns_when_its_lease_runs_out()
    {
        await using var database = await TestPostgres.CreateAsync();
        await using var hostA = await PostgresStore.OpenAsync(database.ConnectionString);
        await using var hostB = await PostgresStore.OpenAsync(database.ConnectionString);
        await using var crashing = await PostgresStore.OpenAsync(database.ConnectionString, claimLease: TimeSpan.Zero);
        var flow = new FlowRecord
        {
            Id = FlowRecord.MakeId(ChatKey, 1), ChatKey = ChatKey, Number = 1, Kind = FlowKind.Collect, State = "Open",
            Creator = "test:alice", CurrencyCode = "EUR", IsOpen = true, DueAt = Now.AddMinutes(-1),
        };
        await hostA.CommitAsync(Turn("t1", new ChatRecord { Key = ChatKey }, flows: [flow]));

        var claims = await Task.WhenAll(hostA.ClaimDueFlowsAsync(Now, 10), hostB.ClaimDueFlowsAsync(Now, 10));
        Assert.Equal(1, claims.Sum(c => c.Count));
        Assert.Empty(await crashing.ClaimDueFlowsAsync(Now, 10));

        flow.DueAt = Now.AddSeconds(-1);
        await hostA.CommitAsync(Turn("t2", (await hostA.LoadChatAsync(ChatKey))!, changed: false, flows: [flow]));
        Assert.Single(await crashing.ClaimDueFlowsAsync(Now, 10));
        Assert.Single(await hostB.ClaimDueFlowsAsync(Now, 10));
    }

    private static OutboxItem Text(string chatKey, string text) => new() { ChatKey = chatKey, Kind = OutboxKind.Text, Text = text, CreatedAt = Now };

    private static TurnCommit Turn(string dedupe, ChatRecord chat, bool changed = true, IReadOnlyList<FlowRecord>? flows = null, IReadOnlyList<OutboxItem>? outbox = null) =>
        new(dedupe, chat, changed, flows ?? [], [], [], [], outbox ?? []);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
