using BenchmarkDotNet.Attributes;
using GroupPay.BotHost.Storage;
using GroupPay.Channels.Telegram;
using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Commands;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Allocation;
using GroupPay.Payments.Draws;
using GroupPay.Payments.Settlement;

namespace GroupPay.Bench.Micro;

[MemoryDiagnoser]
public class CommandParsing
{
    private readonly CommandParser parser = new(code => Currency.TryGet(code, out _));

    [Benchmark]
    public object Split() => parser.Parse("/split@GroupPayBot 90 EUR Dinner & drinks @bob @carol*2 @dave=20", "GroupPayBot");

    [Benchmark]
    public object Balance() => parser.Parse("/balance", "GroupPayBot");

    [Benchmark]
    public object Malformed() => parser.Parse("/split ninety EUR", "GroupPayBot");
}

[MemoryDiagnoser]
public class CardRendering
{
    private Card card = null!;

    [GlobalSetup]
    public void Setup()
    {
        var lines = Enumerable.Range(1, 10).Select(i => $"⏳ Member {i} <m{i}> owes 30.00 EUR · open").Prepend("Alice paid 300.00 EUR.").ToList();
        var rows = Enumerable.Range(1, 5)
            .Select(i => (IReadOnlyList<CardButton>)[CardButton.Link($"💳 Member {i} pays 30.00 EUR", $"https://pay.example.org/pay/tok{i:D16}"), CardButton.Callback($"✔ Alice got it", $"cb{i:D18}")])
            .ToList();
        card = new Card("🧾 #12 Dinner & <drinks> · 300.00 EUR", lines, rows);
    }

    [Benchmark]
    public object TelegramHtmlAndKeyboard() => TelegramRender.Card(card);
}

[MemoryDiagnoser]
public class Allocation
{
    private readonly List<ShareRequest> equal = Enumerable.Range(0, 10).Select(i => new ShareRequest($"m{i}", ShareKind.Weight, 1)).ToList();
    private readonly List<ShareRequest> mixed =
    [
        new("a", ShareKind.Exact, 2000), new("b", ShareKind.Weight, 2), new("c", ShareKind.Weight, 1), new("d", ShareKind.Weight, 1),
        new("e", ShareKind.Weight, 3), new("f", ShareKind.Exact, 1234),
    ];

    [Benchmark]
    public object TenEqualShares() => Allocator.Allocate(10_001, equal, "telegram:-100/7");

    [Benchmark]
    public object ExactAndWeighted() => Allocator.Allocate(99_999, mixed, "telegram:-100/8");
}

/// <summary>Exact settle-up (fewest transfers) of n members with non-zero balances that have no zero-sum subgroups (the worst case).</summary>
[MemoryDiagnoser]
public class SettleUp
{
    private Dictionary<string, long> nets = null!;

    [Params(10, 15, 20)]
    public int Members { get; set; }

    /// <summary>
    /// How the members' balances split into zero-sum groups. "one": unrelated amounts, nobody short of everyone sums to
    /// zero (the common case, found without the search over subsets). "two": two groups that each sum to zero. "pairs":
    /// members pair off, each pair summing to zero (Members / 2 groups, the search's most levels).
    /// </summary>
    [Params("one", "two", "pairs")]
    public string Groups { get; set; } = "one";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20);
        nets = [];
        var sizes = Groups switch
        {
            "two" => [Members / 2, Members - (Members / 2)],
            "pairs" => [.. Enumerable.Repeat(2, Members / 2)],
            _ => new[] { Members },
        };
        var next = 0;
        foreach (var size in sizes)
        {
            long sum = 0;
            for (var i = 0; i < size - 1; i++, next++)
            {
                var value = (random.Next(1, 100_000) * 7919L) + next;
                value = next % 2 == 0 ? value : -value;
                nets[$"telegram:{1000 + next}"] = value;
                sum += value;
            }

            nets[$"telegram:{1000 + next++}"] = -sum;
        }
    }

    [Benchmark]
    public SettlementPlan Plan() => DebtSimplifier.Plan(nets);
}

[MemoryDiagnoser]
public class RedPacketDraws
{
    private readonly byte[] seed = FairDraw.NewSeed();

    [Benchmark]
    public long[] TenPackets() => FairDraw.RedPacket(seed, "telegram:-100/9", 10_000, 10);

    [Benchmark]
    public long[] HundredPackets() => FairDraw.RedPacket(seed, "telegram:-100/9", 1_000_000, 100);
}

/// <summary>
/// One whole turn through the engine on the LiteDB store, durable commit included: a new split in a fresh chat, a
/// /balance in a chat with history (<see cref="History"/> earlier splits of two debts each, so twice as many ledger
/// entries), and a /settle in another chat with as many splits, all netted once by a /settle before. A /settle nets the
/// last plan's two debts into two new ones, so that chat's closed obligations grow by two per invocation, to thousands by
/// the end of a run (the count is printed at the end). Each invocation uses a new update (and for the split a new chat),
/// as traffic does.
/// </summary>
[MemoryDiagnoser]
public class OneTurn
{
    [Params(20, 2_000)]
    public int History { get; set; }

    private static readonly Actor Alice = new("telegram:111", "Alice", "alice");
    private string folder = null!;
    private LiteDbStore store = null!;
    private DialogEngine engine = null!;
    private long sequence;

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("grouppay-micro-").FullName;
        store = new LiteDbStore(Path.Combine(folder, "turns.db"));
        engine = new DialogEngine(store, TimeProvider.System, new EngineOptions());
        for (var i = 0; i < History; i++)
        {
            engine.HandleAsync(new TextInbound("telegram:-42", $"setup:{i}", Alice, $"/split {10 + i % 90} EUR Lunch @bob @carol", "GroupPayBot")).GetAwaiter().GetResult();
            engine.HandleAsync(new TextInbound("telegram:-43", $"setup:settle:{i}", Alice, $"/split {10 + i % 90} EUR Lunch @bob @carol", "GroupPayBot")).GetAwaiter().GetResult();
        }

        engine.HandleAsync(new TextInbound("telegram:-43", "setup:settle", Alice, "/settle", "GroupPayBot")).GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task<TurnResult> NewSplit()
    {
        var n = Interlocked.Increment(ref sequence);
        return engine.HandleAsync(new TextInbound($"telegram:-{1000 + n}", $"bench:split:{n}", Alice, "/split 90 EUR Dinner @bob @carol", "GroupPayBot"));
    }

    [Benchmark]
    public Task<TurnResult> BalanceWithHistory()
    {
        var n = Interlocked.Increment(ref sequence);
        return engine.HandleAsync(new TextInbound("telegram:-42", $"bench:balance:{n}", Alice, "/balance", "GroupPayBot"));
    }

    [Benchmark]
    public Task<TurnResult> SettleWithHistory()
    {
        var n = Interlocked.Increment(ref sequence);
        return engine.HandleAsync(new TextInbound("telegram:-43", $"bench:settle:{n}", Alice, "/settle", "GroupPayBot"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var obligations = store.ObligationsAsync("telegram:-43", null, openOnly: false).GetAwaiter().GetResult();
        Console.WriteLine($"// SettleWithHistory's chat: {obligations.Count:N0} obligations, {obligations.Count(o => o.IsOpen)} open");
        store.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
