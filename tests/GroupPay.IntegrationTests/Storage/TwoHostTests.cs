using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Storage;
using GroupPay.Channels.Abstractions;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GroupPay.IntegrationTests.Storage;

/// <summary>
/// Two BotHosts on two ports share one PostgreSQL database. Every update of six chats goes to both hosts at once (the
/// same update arriving twice, as after a platform retry through a load balancer), the hosts taking turns to get it
/// first. The result must be what one host makes of the same updates, and no outbound message may go out twice.
/// </summary>
public sealed class TwoHostTests
{
    private static readonly string[] Members = ["Alice", "Bob", "Carol", "Dave"];

    [Fact]
    public async Task Two_hosts_on_one_database_end_where_one_host_ends_and_deliver_every_message_once()
    {
        await using var shared = await TestPostgres.CreateAsync();
        await using var alone = await TestPostgres.CreateAsync();
        var sharedSender = new CountingSender();
        var chats = Enumerable.Range(1, 6).Select(i => $"test:chat-{i}").ToList();

        await using (var hostA = BotHostOnPostgres.Start(shared.ConnectionString, sharedSender))
        await using (var hostB = BotHostOnPostgres.Start(shared.ConnectionString, sharedSender))
        {
            Assert.NotEqual(hostA.Port, hostB.Port);
            await Task.WhenAll(chats.Select(chat => PlayAsync(chat, hostA, hostB)));
            await DrainAsync(hostA, hostB);
        }

        var aloneSender = new CountingSender();
        await using (var host = BotHostOnPostgres.Start(alone.ConnectionString, aloneSender))
        {
            await Task.WhenAll(chats.Select(chat => PlayAsync(chat, host, host)));
            await DrainAsync(host);
        }

        await using var sharedStore = await PostgresStore.OpenAsync(shared.ConnectionString);
        await using var aloneStore = await PostgresStore.OpenAsync(alone.ConnectionString);
        foreach (var chat in chats)
        {
            Assert.Equal(await DescribeAsync(aloneStore, chat), await DescribeAsync(sharedStore, chat));
            var audit = await StoreAuditor.AuditChatAsync(sharedStore, chat);
            Assert.True(audit.Holds, $"{chat}: chain verified {audit.ChainVerified}, nets balance {audit.NetsBalance}, head matches {audit.HeadMatchesChat}");
            Assert.True(audit.Entries >= 5);
        }

        Assert.Empty(await sharedStore.PendingOutboxAsync(100));
        Assert.All(sharedSender.Deliveries, delivery => Assert.Equal(1, delivery.Value));
        Assert.All(sharedSender.CardsPosted, card => Assert.Equal(1, card.Value));
        // How many versions of a card coalesce depends on timing; what the turns committed does not.
        Assert.Equal(await alone.CountAsync("SELECT count(*) FROM outbox"), await shared.CountAsync("SELECT count(*) FROM outbox"));
        Assert.Equal(aloneSender.CardsPosted.Keys.Order(), sharedSender.CardsPosted.Keys.Order());
    }

    /// <summary>One chat's conversation; each update goes to both hosts at once, the first host alternating.</summary>
    private static async Task PlayAsync(string chat, BotHostOnPostgres hostA, BotHostOnPostgres hostB)
    {
        var step = 0;
        async Task SendAsync(Func<Task<Inbound>> inbound)
        {
            var update = await inbound();
            var (first, second) = step++ % 2 == 0 ? (hostA, hostB) : (hostB, hostA);
            var results = await Task.WhenAll(first.Turns.HandleAsync(update), second.Turns.HandleAsync(update));
            Assert.Equal(1, results.Count(r => !r.Duplicate));
        }

        Task Say(string member, string text) =>
            SendAsync(() => Task.FromResult<Inbound>(new TextInbound(chat, $"test:msg:{chat}:{step}", Actor(chat, member), text)));

        async Task<Inbound> Press(string member, int flow, string action)
        {
            var token = (await hostA.Store.LoadFlowAsync(chat, flow))!.Tokens[action];
            return new ButtonInbound(chat, $"test:press:{chat}:{step}", Actor(chat, member), token);
        }

        foreach (var member in Members)
        {
            await Say(member, $"hi, I'm {member}");
        }

        await Say("Alice", "/split 90 EUR Dinner @bob @carol");
        await Say("Bob", "/collect 20 EUR Club dues");
        await SendAsync(() => Press("Carol", 2, "join"));
        await SendAsync(() => Press("Dave", 2, "join"));
        await SendAsync(async () =>
        {
            var bobs = (await hostA.Store.ObligationsAsync(chat, 1, openOnly: true)).Single(o => o.Debtor == "test:bob");
            return new PaymentInbound(chat, $"sandbox:evt-{chat}", bobs.Id, "sandbox", $"pi-{chat}");
        });
        await Say("Carol", "/transfer @dave 15 EUR Taxi");
        await Say("Alice", "/settle EUR");
        await Say("Dave", "/balance");
    }

    private static Actor Actor(string chat, string name) => new($"test:{name.ToLowerInvariant()}", name, name.ToLowerInvariant(), name == "Alice");

    /// <summary>A chat as a person (and the auditor) sees it, without the times and random tokens that differ between runs.</summary>
    private static async Task<string> DescribeAsync(IGroupPayStore store, string chat)
    {
        var record = (await store.LoadChatAsync(chat))!;
        var flows = await store.RecentFlowsAsync(chat, 100, openOnly: false);
        var obligations = await store.ObligationsAsync(chat, null, openOnly: false);
        var journal = await store.JournalAsync(chat);
        var nets = Ledger.Balances(journal).SelectMany(c => c.Value.Select(a => $"{c.Key}:{a.Key}={a.Value}")).Order(StringComparer.Ordinal);
        return string.Join('\n', [
            $"members {string.Join(',', record.Members.Select(m => m.Key))}; next flow {record.NextFlowNumber}; ledger {record.LedgerSequence}",
            .. flows.OrderBy(f => f.Number).Select(f =>
                $"flow {f.Number} {f.Kind} {f.State} open={f.IsOpen} {f.AmountMinor} {f.CurrencyCode} [{string.Join(',', f.Participants.Select(p => $"{p.Member}:{p.Minor}"))}]"),
            .. obligations.OrderBy(o => o.Id, StringComparer.Ordinal).Select(o => $"{o.Id} {o.Debtor}->{o.Creditor} {o.Minor} {o.State}"),
            .. journal.Select(e => $"{e.Sequence} {e.Kind} {e.ObligationId} {e.Memo} {string.Join(',', e.Postings.Select(p => $"{p.Account}{p.Minor:+0;-0}"))}"),
            .. nets,
        ]);
    }

    /// <summary>Runs the hosts' dispatchers until every committed outbox item has been delivered.</summary>
    private static async Task DrainAsync(params BotHostOnPostgres[] hosts)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await hosts[0].Store.PendingOutboxAsync(1)).Count > 0)
        {
            foreach (var host in hosts)
            {
                await host.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(timeout.Token);
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>The test channel: counts every delivery of every outbox item and every card posted as a new message.</summary>
    private sealed class CountingSender : IChannelSender
    {
        private int messages;

        public string Channel => "test";
        public ConcurrentDictionary<long, int> Deliveries { get; } = new();
        public ConcurrentDictionary<string, int> CardsPosted { get; } = new(StringComparer.Ordinal);

        public Task<string?> DeliverAsync(OutboxItem item, string? existingMessageRef, CancellationToken ct)
        {
            Deliveries.AddOrUpdate(item.Id, 1, (_, count) => count + 1);
            if (item.Kind != OutboxKind.Card)
            {
                return Task.FromResult<string?>(null);
            }

            if (existingMessageRef is null)
            {
                CardsPosted.AddOrUpdate($"{item.ChatKey}|{item.CardKey}", 1, (_, count) => count + 1);
            }

            return Task.FromResult<string?>(existingMessageRef ?? $"msg-{Interlocked.Increment(ref messages)}");
        }
    }

    /// <summary>The real BotHost on its own loopback port, on PostgreSQL, delivering the test channel through one sender.</summary>
    private sealed class BotHostOnPostgres : WebApplicationFactory<Program>
    {
        private readonly string connectionString;
        private readonly IChannelSender sender;
        private readonly string folder = Path.Combine(Path.GetTempPath(), "grouppay-it", Guid.NewGuid().ToString("N"));

        private BotHostOnPostgres(string connectionString, IChannelSender sender)
        {
            this.connectionString = connectionString;
            this.sender = sender;
        }

        public int Port { get; private set; }
        public Turns Turns => Services.GetRequiredService<Turns>();
        public IGroupPayStore Store => Services.GetRequiredService<IGroupPayStore>();

        public static BotHostOnPostgres Start(string connectionString, IChannelSender sender)
        {
            var host = new BotHostOnPostgres(connectionString, sender) { Port = FreePort() };
            host.UseKestrel(host.Port);
            host.StartServer();
            return host;
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Storage:Provider", "Postgres");
            builder.UseSetting("Storage:Postgres:ConnectionString", connectionString);
            builder.UseSetting("Storage:LiteDb:Path", Path.Combine(folder, "unused.db"));
            builder.UseSetting("Payments:Sandbox:WebhookSecret", "two-host-test-webhook-secret-0123456789");
            builder.UseSetting("Payments:PublicBaseUrl", $"http://127.0.0.1:{Port}");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services => services.AddSingleton(sender));
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
