using System.Globalization;

namespace GroupPay.Bench.LoadTest;

public enum UpdateKind { NewFlow, Button, Balance }

/// <summary>One webhook update to send: its JSON, its kind, and its probe tag when its effect is a new message.</summary>
public readonly record struct PlannedUpdate(string Json, UpdateKind Kind, long Probe);

/// <summary>
/// The realistic mix of the issue over many groups: about 30 % new flows (a split anyone may join, a collection, a red
/// packet), 60 % button presses on the newest card of the group (join, grab, received), 10 % /balance and /settle. A
/// press needs a card, so a group without one gets a new flow instead. Each new flow carries a probe tag ("q123") in its
/// description; the fake Bot API notes when a message with it goes out, which gives the end-to-end latency.
/// </summary>
public sealed class Workload(FakeTelegram? telegram, int seed)
{
    private const int MembersPerGroup = 20;
    private static readonly string[] Pressable = ["Join", "Grab", "got it"];
    private static long nextUpdateId = 800_000_000;
    private static long nextProbe;
    private static int nextMessageId;
    private readonly Random random = new(seed);

    public static long GroupId(int index) => -1_001_000_000_000L - index;

    /// <summary>Only new flows, to fill the store with open flows for the memory check.</summary>
    public bool NewFlowsOnly { get; set; }

    public PlannedUpdate Next(int group)
    {
        var chatId = GroupId(group);
        var user = 1_000_000L + (group * 31L) + random.Next(MembersPerGroup);
        var roll = NewFlowsOnly ? 0 : random.NextDouble();
        if (roll >= 0.30 && roll < 0.90 && telegram is not null)
        {
            var card = telegram.CardOf(chatId);
            var pressable = card.Where(b => Pressable.Any(p => b.Label.Contains(p, StringComparison.Ordinal))).ToArray();
            if (pressable.Length > 0)
            {
                var button = pressable[random.Next(pressable.Length)];
                return new PlannedUpdate(Press(chatId, user, button), UpdateKind.Button, 0);
            }
        }

        if (roll >= 0.90)
        {
            return new PlannedUpdate(Text(chatId, user, random.Next(2) == 0 ? "/balance" : "/settle"), UpdateKind.Balance, 0);
        }

        var probe = Interlocked.Increment(ref nextProbe);
        var command = random.Next(3) switch
        {
            0 => $"/split {10 + random.Next(200)} EUR Dinner q{probe}",
            1 => $"/collect {5 + random.Next(50)} EUR Dues q{probe}",
            _ => $"/lottery {10 + random.Next(90)} EUR {2 + random.Next(8)} Luck q{probe}",
        };
        return new PlannedUpdate(Text(chatId, user, command), UpdateKind.NewFlow, probe);
    }

    private static string Text(long chatId, long user, string text)
    {
        var commandLength = text.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0 ? space : text.Length;
        var updateId = Interlocked.Increment(ref nextUpdateId);
        var messageId = Interlocked.Increment(ref nextMessageId);
        return $$$"""
            {"update_id":{{{updateId}}},"message":{"message_id":{{{messageId}}},"from":{"id":{{{user}}},"is_bot":false,"first_name":"Member{{{user % 1000}}}","username":"member{{{user}}}","language_code":"en"},"chat":{"id":{{{chatId}}},"title":"Bench group","type":"supergroup"},"date":1737280500,"text":"{{{text}}}","entities":[{"offset":0,"length":{{{commandLength}}},"type":"bot_command"}]}}
            """;
    }

    private static string Press(long chatId, long user, Button button)
    {
        var id = Interlocked.Increment(ref nextUpdateId);
        return $$$"""
            {"update_id":{{{id}}},"callback_query":{"id":"cb{{{id}}}","from":{"id":{{{user}}},"is_bot":false,"first_name":"Member{{{user % 1000}}}","username":"member{{{user}}}"},"message":{"message_id":{{{button.MessageId}}},"date":1737280510,"from":{"id":{{{FakeTelegram.BotId}}},"is_bot":true,"first_name":"GroupPay","username":"{{{FakeTelegram.BotUsername}}}"},"chat":{"id":{{{chatId}}},"title":"Bench group","type":"supergroup"},"text":"card"},"chat_instance":"-8431254102376517","data":"{{{button.Data}}}"}}
            """;
    }
}
