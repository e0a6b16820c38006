using GroupPay.Dialogs.Engine;
using GroupPay.Tests.Conversations;

namespace GroupPay.ReliabilityTests.Hostile;

/// <summary>
/// The presser is authorised, not the button (reference §4.2–4.3): each button and sensitive command, tried by the wrong
/// member, a non-admin, from another chat, with a forged or a spent token, is refused with a message and changes nothing.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    public static TheoryData<string> Cases() => new(
        "received-by-debtor", "received-by-stranger", "cancel-button-by-non-creator", "close-button-by-non-creator",
        "grab-own-packet", "grab-twice", "draw-by-non-creator", "settings-by-non-admin", "cancel-command-by-non-creator",
        "token-from-other-chat", "forged-token", "spent-token", "token-of-expired-packet");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_press_or_command_by_someone_not_allowed_is_refused_with_a_message_and_changes_nothing(string @case)
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Bob", "/split 90 EUR Dinner @alice @carol");
        await chat.SendAsync("Bob", "/collect 10 EUR Dues");
        await chat.SendAsync("Bob", "/lottery 10 EUR 2 Luck");
        await chat.SendAsync("Carol", "/raffle 5 EUR Tickets");
        await chat.SendAsync("Erin", "/settings who-can-start admins");
        var obligation = (await chat.Store.ObligationsAsync(chat.ChatKey, 1, openOnly: true))[0];
        var tokens = new List<ButtonToken>();
        foreach (var value in Enumerable.Range(1, 4).SelectMany(f => chat.Card(f).Buttons.SelectMany(r => r)).Select(b => b.Value))
        {
            if (await chat.Store.LoadTokenAsync(value) is { } token)
            {
                tokens.Add(token);
            }
        }

        string Token(int flow, string action, string? obligationId = null) =>
            tokens.First(t => t.FlowNumber == flow && t.Action == action && (obligationId is null || t.ObligationId == obligationId)).Token;

        switch (@case)
        {
            case "grab-twice":
                await chat.PressAsync("Carol", 3, "Grab");
                break;
            case "spent-token":
                await chat.PressTokenAsync("Bob", Token(1, "received", obligation.Id));
                break;
            case "token-of-expired-packet":
                await chat.AdvanceAsync(TimeSpan.FromDays(3));
                break;
        }

        var before = await SnapshotAsync(chat);
        var result = @case switch
        {
            "received-by-debtor" => await chat.PressTokenAsync(NameOf(obligation.Debtor), Token(1, "received", obligation.Id)),
            "received-by-stranger" => await chat.PressTokenAsync("Dave", Token(1, "received", obligation.Id)),
            "cancel-button-by-non-creator" => await chat.PressTokenAsync("Carol", Token(2, "cancel")),
            "close-button-by-non-creator" => await chat.PressTokenAsync("Carol", Token(2, "close")),
            "grab-own-packet" => await chat.PressTokenAsync("Bob", Token(3, "grab")),
            "grab-twice" => await chat.PressTokenAsync("Carol", Token(3, "grab")),
            "draw-by-non-creator" => await chat.PressTokenAsync("Dave", Token(4, "draw")),
            "settings-by-non-admin" => await chat.SendAsync("Dave", "/settings currency USD"),
            "cancel-command-by-non-creator" => await chat.SendAsync("Dave", "/cancel #1"),
            "token-from-other-chat" => await OtherChatPressAsync(chat, Token(2, "join")),
            "forged-token" => await chat.PressTokenAsync("Carol", "forged-token-0123456789"),
            "spent-token" => await chat.PressTokenAsync("Bob", Token(1, "received", obligation.Id)),
            "token-of-expired-packet" => await chat.PressTokenAsync("Dave", Token(3, "grab")),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };

        var answer = result.Toast ?? chat.LastReply;
        Assert.False(string.IsNullOrWhiteSpace(answer), $"{@case}: no message");
        Assert.Equal(before, await SnapshotAsync(chat));
        Scale.Report($"authz-{@case}", ("refused", 1), ("effects", 0));
    }

    private static string NameOf(string memberKey) => char.ToUpperInvariant(memberKey["test:".Length]) + memberKey[("test:".Length + 1)..];

    private static async Task<TurnResult> OtherChatPressAsync(Conversation chat, string token) =>
        await chat.RecordAsync(await chat.Engine.HandleAsync(new ButtonInbound("test:other-chat", "btn:other", Conversation.ActorOf("Carol"), token)));

    /// <summary>What a refusal must not change: obligations and their states, the journal, flows' states and participants, settings.</summary>
    private static async Task<string> SnapshotAsync(Conversation chat)
    {
        var record = await chat.Store.LoadChatAsync(chat.ChatKey);
        var flows = await chat.Store.RecentFlowsAsync(chat.ChatKey, 100, openOnly: false);
        var obligations = await chat.Store.ObligationsAsync(chat.ChatKey, null, openOnly: false);
        var journal = await chat.Store.JournalAsync(chat.ChatKey);
        return string.Join("\n",
            $"settings {record!.Settings.CurrencyCode} {record.Settings.AdminsOnlyStart} {string.Join(',', record.Settings.Admins)}",
            $"journal {journal.Count} {record.LedgerHead}",
            string.Join(";", flows.Select(f => $"{f.Number}:{f.State}:{string.Join(',', f.Participants.Select(p => p.Member))}")),
            string.Join(";", obligations.Select(o => $"{o.Id}:{o.State}:{o.ClaimedPaidAt}")));
    }
}
