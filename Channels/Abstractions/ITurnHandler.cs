using GroupPay.Dialogs.Engine;

namespace GroupPay.Channels.Abstractions;

/// <summary>The host's one door into the engine, as channels see it: runs a turn (deduplicated, serialised per chat) and counts it.</summary>
public interface ITurnHandler
{
    Task<TurnResult> HandleAsync(Inbound inbound, CancellationToken ct = default);
}
