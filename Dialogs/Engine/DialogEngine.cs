using System.Collections.Concurrent;
using GroupPay.Dialogs.Flows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupPay.Dialogs.Engine;

/// <summary>What a turn produced: nothing when it was a duplicate; else its effects (delivered after commit) and the presser's answer.</summary>
public sealed record TurnResult(bool Duplicate, IReadOnlyList<OutboxItem> Outbox, string? Toast)
{
    /// <summary>The turn refused what was asked (bad input, not allowed); channels may show the answer to the asker only.</summary>
    public bool Refused { get; init; }

    public static TurnResult AlreadyProcessed { get; } = new(true, [], null);
}

/// <summary>
/// Runs turns. A turn = dedupe check → load → route to one flow trigger or command → one commit of flow state,
/// obligations, journal, tokens, outbox and the dedupe key. Turns of one chat are serialised; chats run in parallel.
/// </summary>
public sealed class DialogEngine
{
    private const int MaxAttempts = 3;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);
    private readonly IGroupPayStore store;
    private readonly TimeProvider time;
    private readonly EngineOptions options;
    private readonly ILogger logger;
    private readonly TurnRouter router;
    /// <summary>The chats' journals as far as they were summed, for /balance and /settle (see <see cref="TurnContext.BalancesAsync"/>).</summary>
    private readonly LedgerSums sums = new(4_096);

    public DialogEngine(IGroupPayStore store, TimeProvider time, EngineOptions options, ILogger<DialogEngine>? logger = null)
    {
        this.store = store;
        this.time = time;
        this.options = options;
        this.logger = logger ?? NullLogger<DialogEngine>.Instance;
        router = new TurnRouter();
    }

    /// <summary>Raised after a turn committed, with its chat key, so the outbox dispatcher can deliver at once.</summary>
    public event Action<string>? Committed;

    public IGroupPayStore Store => store;

    public async Task<TurnResult> HandleAsync(Inbound inbound, CancellationToken ct = default)
    {
        var gate = gates.GetOrAdd(inbound.ChatKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await using var chatLock = await store.LockChatAsync(inbound.ChatKey, ct);
            for (var attempt = 1; ; attempt++)
            {
                if (await store.IsProcessedAsync(inbound.DedupeKey, ct))
                {
                    return TurnResult.AlreadyProcessed;
                }

                var context = await NewContextAsync(inbound, ct);
                try
                {
                    await router.RouteAsync(context, inbound);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogError(exception, "Turn {DedupeKey} of chat {ChatKey} failed; nothing it decided is kept", inbound.DedupeKey, inbound.ChatKey);
                    context = await NewContextAsync(inbound, ct);
                    context.Refuse(context.Text.Format("error.internal"), inbound is ButtonInbound);
                }

                try
                {
                    await store.CommitAsync(context.ToCommit(inbound.DedupeKey), ct);
                }
                catch (ConcurrencyException exception) when (attempt < MaxAttempts)
                {
                    logger.LogWarning(exception, "Turn {DedupeKey} raced another writer; retrying", inbound.DedupeKey);
                    continue;
                }

                Committed?.Invoke(inbound.ChatKey);
                return new TurnResult(false, context.Outbox, context.Toast) { Refused = context.Refused };
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Feeds every flow whose persisted due time has come to the engine as a turn of its chat.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct = default)
    {
        var due = await store.ClaimDueFlowsAsync(time.GetUtcNow(), 200, ct);
        foreach (var flow in due)
        {
            await HandleAsync(new DueInbound(flow.ChatKey, $"due:{flow.Id}:{flow.DueAt!.Value.UtcTicks}", flow.Number), ct);
        }

        return due.Count;
    }

    private async Task<TurnContext> NewContextAsync(Inbound inbound, CancellationToken ct)
    {
        var chat = await store.LoadChatAsync(inbound.ChatKey, ct) ?? new ChatRecord
        {
            Key = inbound.ChatKey,
            Settings = new ChatSettings { CurrencyCode = options.DefaultCurrency, Provider = null },
        };
        var actor = inbound switch
        {
            TextInbound text => text.From,
            ButtonInbound button => button.From,
            _ => null,
        };
        var context = new TurnContext(store, chat, actor, time.GetUtcNow(), options, sums, ct);
        if (chat.Version == 0)
        {
            context.ChatChanged = true;
        }

        return context;
    }
}
