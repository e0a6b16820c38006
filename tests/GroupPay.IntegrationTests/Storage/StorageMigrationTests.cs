using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace GroupPay.IntegrationTests.Storage;

/// <summary><c>migrate-storage --to postgres</c>: a populated LiteDB database moves whole, and the auditor checks it.</summary>
public sealed class StorageMigrationTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "grouppay-it", Guid.NewGuid().ToString("N"));
    private TestPostgres database = null!;

    private string LiteDbPath => Path.Combine(folder, "grouppay.db");

    public async ValueTask InitializeAsync() => database = await TestPostgres.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_populated_LiteDB_database_moves_into_PostgreSQL_and_the_auditor_verifies_it()
    {
        var chats = new[] { "test:club", "test:flat" };
        string[] before;
        string? cardRef;
        using (var lite = new LiteDbStore(LiteDbPath))
        {
            await PopulateAsync(lite, chats);
            await lite.SaveCardRefAsync("test:club", "flow:1", "msg-41");
            cardRef = await lite.LoadCardRefAsync("test:club", "flow:1");
            before = await Task.WhenAll(chats.Select(chat => DescribeAsync(lite, chat)));
        }

        var output = new StringWriter();
        var exit = await StorageMigrationCommand.RunAsync(
            ["migrate-storage", "--to", "postgres", "--connection", database.ConnectionString, "--from", LiteDbPath], output);

        Assert.True(exit == 0, output.ToString());
        Assert.Contains("the invariant auditor verified every one", output.ToString());
        Assert.Contains("ok test:club", output.ToString());
        await using var postgres = await PostgresStore.OpenAsync(database.ConnectionString);
        Assert.Equal(before, await Task.WhenAll(chats.Select(chat => DescribeAsync(postgres, chat))));
        Assert.All(await StoreAuditor.AuditAsync(postgres), audit => Assert.True(audit.Holds, audit.ChatKey));
        Assert.Equal(cardRef, await postgres.LoadCardRefAsync("test:club", "flow:1"));

        // The copy keeps working: the engine on PostgreSQL continues the chats where LiteDB left them.
        var engine = new DialogEngine(postgres, new FakeTimeProvider(DateTimeOffset.UtcNow), new EngineOptions { PublicBaseUrl = "https://pay.example.test" });
        Assert.True((await engine.HandleAsync(new TextInbound("test:club", "test:msg:club:1", Actor("Alice"), "hello again"))).Duplicate);
        await engine.HandleAsync(new TextInbound("test:club", "test:after-move", Actor("Carol"), "/transfer @alice 5 EUR Coffee"));
        var audit = await StoreAuditor.AuditChatAsync(postgres, "test:club");
        Assert.True(audit.Holds);
        Assert.Equal(before[0].Split('\n').Count(line => line.StartsWith("entry ", StringComparison.Ordinal)) + 1, audit.Entries);
        var outboxIds = (await postgres.PendingOutboxAsync(1000)).Select(i => i.Id).ToList();
        Assert.Equal(outboxIds.Distinct().Count(), outboxIds.Count);
    }

    [Fact]
    public async Task Migrating_into_a_database_that_already_holds_chats_is_refused()
    {
        using (var lite = new LiteDbStore(LiteDbPath))
        {
            await PopulateAsync(lite, ["test:club"]);
        }

        string[] args = ["migrate-storage", "--to", "postgres", "--connection", database.ConnectionString, "--from", LiteDbPath];
        Assert.Equal(0, await StorageMigrationCommand.RunAsync(args, new StringWriter()));

        var output = new StringWriter();
        Assert.Equal(2, await StorageMigrationCommand.RunAsync(args, output));
        Assert.Contains("already holds GroupPay data", output.ToString());
        Assert.Equal(2, await StorageMigrationCommand.RunAsync(["migrate-storage", "--to", "mysql"], new StringWriter()));
    }

    private static async Task PopulateAsync(IGroupPayStore store, string[] chats)
    {
        var engine = new DialogEngine(store, new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero)),
            new EngineOptions { PublicBaseUrl = "https://pay.example.test" });
        foreach (var chat in chats)
        {
            var id = chat[(chat.IndexOf(':') + 1)..];
            var n = 0;
            Task Say(string member, string text) => engine.HandleAsync(new TextInbound(chat, $"test:msg:{id}:{++n}", Actor(member), text));
            foreach (var member in new[] { "Alice", "Bob", "Carol" })
            {
                await Say(member, $"hi, I'm {member}");
            }

            await Say("Alice", "/split 90 EUR Dinner @bob @carol");
            await Say("Bob", "/collect 20 EUR Club dues @alice @carol by 2026-12-31");
            var bobs = (await store.ObligationsAsync(chat, 1, openOnly: true)).Single(o => o.Debtor == "test:bob");
            await engine.HandleAsync(new PaymentInbound(chat, $"sandbox:evt-{id}", bobs.Id, "sandbox", "pi-1"));
            await Say("Carol", "/transfer @bob 12.50 EUR Taxi");
        }
    }

    private static Actor Actor(string name) => new($"test:{name.ToLowerInvariant()}", name, name.ToLowerInvariant(), name == "Alice");

    /// <summary>jsonb keeps an object's keys in its own order; a flow's token dictionary is only ever read by key.</summary>
    private static string Canonical(string json)
    {
        static JsonNode? Sort(JsonNode? node) => node switch
        {
            JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
            JsonArray array => new JsonArray([.. array.Select(item => Sort(item?.DeepClone()))]),
            _ => node?.DeepClone(),
        };

        return Sort(JsonNode.Parse(json))!.ToJsonString();
    }

    private static async Task<string> DescribeAsync(IGroupPayStore store, string chat)
    {
        var record = (await store.LoadChatAsync(chat))!;
        var flows = await store.RecentFlowsAsync(chat, 100, openOnly: false);
        var obligations = await store.ObligationsAsync(chat, null, openOnly: false);
        return string.Join('\n', [
            StoreJson.Write(record),
            .. flows.OrderBy(f => f.Number).Select(f => Canonical(StoreJson.Write(f))),
            .. obligations.OrderBy(o => o.Id, StringComparer.Ordinal).Select(o => StoreJson.Write(o)),
            .. (await store.JournalAsync(chat)).Select(e => "entry " + StoreJson.Write(e)),
            .. flows.SelectMany(f => f.Tokens.Values).Order(StringComparer.Ordinal).Select(t => "token " + t),
            .. (await Task.WhenAll(flows.SelectMany(f => f.Tokens.Values).Order(StringComparer.Ordinal).Select(t => store.LoadTokenAsync(t))))
                .Select(t => StoreJson.Write(t)),
            .. (await Task.WhenAll(obligations.Select(o => store.FindObligationByPayTokenAsync(o.PayToken)))).Select(o => "pays " + o!.Id).Order(StringComparer.Ordinal),
            $"pending outbox {(await store.PendingOutboxAsync(1000)).Count(i => i.ChatKey == chat)}",
            $"dedupe {await store.IsProcessedAsync($"test:msg:{chat[(chat.IndexOf(':') + 1)..]}:4")}",
        ]);
    }
}
