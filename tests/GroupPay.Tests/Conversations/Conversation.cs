using GroupPay.BotHost.Storage;
using GroupPay.Dialogs.Cards;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using Microsoft.Extensions.Time.Testing;

namespace GroupPay.Tests.Conversations;

/// <summary>
/// An in-memory test channel over the real engine and a real LiteDB file: members send text and press buttons,
/// the test reads the cards and replies the bot produced, as a person in the chat would see them.
/// </summary>
public sealed class Conversation : IAsyncDisposable
{
    private static readonly string[] DefaultMembers = ["Alice", "Bob", "Carol", "Dave", "Erin"];
    private readonly Dictionary<string, Card> cards = new(StringComparer.Ordinal);
    private int sequence;

    private Conversation(string path, FakeTimeProvider clock, EngineOptions options)
    {
        DatabasePath = path;
        Clock = clock;
        Options = options;
        Store = new LiteDbStore(path);
        Engine = new DialogEngine(Store, clock, options, Log);
    }

    /// <summary>Everything the engine logged; a conversation that logs an error has hit a bug.</summary>
    public ListLogger Log { get; } = new();

    public string ChatKey { get; } = "test:chat-1";
    public string DatabasePath { get; }
    public FakeTimeProvider Clock { get; }
    public EngineOptions Options { get; }
    public LiteDbStore Store { get; private set; }
    public DialogEngine Engine { get; private set; }
    public List<string> Replies { get; } = [];
    public List<OutboxItem> Documents { get; } = [];
    public string? LastToast { get; private set; }

    public static async Task<Conversation> StartAsync(params string[] members)
    {
        var path = Path.Combine(Path.GetTempPath(), "grouppay-tests", $"{Guid.NewGuid():N}.db");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var conversation = new Conversation(path, clock, new EngineOptions { PublicBaseUrl = "https://pay.example.test" });
        foreach (var member in members.Length == 0 ? DefaultMembers : members)
        {
            await conversation.SendAsync(member, $"hi, I'm {member}");
        }

        conversation.Replies.Clear();
        return conversation;
    }

    public static Actor ActorOf(string name) => new($"test:{name.ToLowerInvariant()}", name, name.ToLowerInvariant(), name == "Alice");

    public string LastReply => Replies.Count > 0 ? Replies[^1] : "";

    /// <summary>Sends a message as a member; returns the bot's text replies to it.</summary>
    public async Task<TurnResult> SendAsync(string member, string text) =>
        await RecordAsync(await Engine.HandleAsync(new TextInbound(ChatKey, $"msg:{++sequence}", ActorOf(member), text, "GroupPayBot")));

    /// <summary>Presses the first button of a flow's card whose label contains <paramref name="label"/>.</summary>
    public async Task<TurnResult> PressAsync(string member, int flow, string label)
    {
        var button = Button(flow, label);
        Assert.Equal(ButtonKind.Callback, button.Kind);
        return await PressTokenAsync(member, button.Value);
    }

    public async Task<TurnResult> PressTokenAsync(string member, string token) =>
        await RecordAsync(await Engine.HandleAsync(new ButtonInbound(ChatKey, $"btn:{++sequence}", ActorOf(member), token)));

    /// <summary>Follows the pay link labelled with the debtor's name and lets the sandbox gateway confirm it.</summary>
    public async Task<TurnResult> PayAsync(string debtor, int flow, string? eventId = null)
    {
        var obligation = await ObligationBehindPayButtonAsync(debtor, flow);
        return await RecordAsync(await Engine.HandleAsync(new PaymentInbound(ChatKey, eventId ?? $"evt:{++sequence}", obligation.Id, "sandbox", $"ref-{sequence}")));
    }

    public async Task<Obligation> ObligationBehindPayButtonAsync(string debtor, int flow)
    {
        var button = Button(flow, $"{debtor} pays");
        Assert.Equal(ButtonKind.Url, button.Kind);
        var token = button.Value[(button.Value.LastIndexOf('/') + 1)..];
        return await Store.FindObligationByPayTokenAsync(token) ?? throw new InvalidOperationException("Pay link leads nowhere.");
    }

    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await Engine.RunDueAsync();
        await RecordAsync(null);
    }

    public Card Card(int flow) => cards.TryGetValue($"flow:{flow}", out var card) ? card : throw new InvalidOperationException($"No card for #{flow}.");

    public string CardText(int flow) => Card(flow).Text;

    public Card? LastLooseCard { get; private set; }

    public CardButton Button(int flow, string label) =>
        Card(flow).Buttons.SelectMany(row => row).FirstOrDefault(b => b.Label.Contains(label, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"No button “{label}” on #{flow}: {string.Join(" | ", Card(flow).Buttons.SelectMany(r => r).Select(b => b.Label))}");

    public bool HasButton(int flow, string label) =>
        Card(flow).Buttons.SelectMany(row => row).Any(b => b.Label.Contains(label, StringComparison.Ordinal));

    /// <summary>Net per member name in one currency, from the ledger.</summary>
    public async Task<Dictionary<string, long>> NetsAsync(string currency = "EUR")
    {
        var chat = await Store.LoadChatAsync(ChatKey);
        var balances = Ledger.Balances(await Store.JournalAsync(ChatKey));
        return balances.TryGetValue(currency, out var nets)
            ? nets.ToDictionary(n => chat!.Members.Find(m => m.Key == n.Key)?.Name ?? n.Key, n => n.Value)
            : [];
    }

    /// <summary>Closes the database and opens a new engine over the same file, as a restarted host would.</summary>
    public void Restart()
    {
        Store.Dispose();
        Store = new LiteDbStore(DatabasePath);
        Engine = new DialogEngine(Store, Clock, Options, Log);
    }

    public ValueTask DisposeAsync()
    {
        Store.Dispose();
        File.Delete(DatabasePath);
        Assert.True(Log.Errors.Count == 0, string.Join("\n", Log.Errors));
        return ValueTask.CompletedTask;
    }

    /// <summary>Delivers the outbox as a channel would: cards with a key are edited in place, the rest are posted.</summary>
    public async Task<TurnResult> RecordAsync(TurnResult? result)
    {
        if (result is not null)
        {
            LastToast = result.Toast;
        }

        foreach (var item in await Store.PendingOutboxAsync(1000))
        {
            await Store.MarkDeliveredAsync(item.Id);
            switch (item.Kind)
            {
                case OutboxKind.Card when item.CardKey is not null:
                    cards[item.CardKey] = item.Card!;
                    break;
                case OutboxKind.Card:
                    LastLooseCard = item.Card;
                    Replies.Add(item.Card!.Text);
                    break;
                case OutboxKind.Text:
                    Replies.Add(item.Text!);
                    break;
                case OutboxKind.Document:
                    Documents.Add(item);
                    break;
            }
        }

        return result ?? TurnResult.AlreadyProcessed;
    }
}

public sealed class ListLogger : Microsoft.Extensions.Logging.ILogger<DialogEngine>
{
    public List<string> Errors { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
        Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Error)
        {
            lock (Errors)
            {
                Errors.Add(formatter(state, exception) + " " + exception);
            }
        }
    }
}
