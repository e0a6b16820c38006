using System.Net;
using static GroupPay.IntegrationTests.Telegram.TelegramHarness;

namespace GroupPay.IntegrationTests.Telegram;

/// <summary>
/// Telegram's limits, on a scaled clock: the fake allows 20 messages per group per 2-second window (Telegram: 20 a
/// minute) and the host keeps to 18 per 2 seconds (its default is 18 a minute); production defaults are unchanged.
/// </summary>
public sealed class TelegramRateLimitTests
{
    private static readonly TgUser[] Joiners = [.. Enumerable.Range(1, 10).Select(i => new TgUser(10_000 + i, $"Member{i}", $"member{i}"))];

    [Fact]
    public async Task A_burst_of_100_card_changes_across_10_groups_ends_with_every_card_current_and_at_most_one_429_per_group()
    {
        var groups = Enumerable.Range(1, 10).Select(i => -1003000000000L - i).ToArray();
        await using var tg = await StartAsync("Webhook", fake =>
        {
            foreach (var group in groups)
            {
                fake.SetAdmins(group, Alice.Id);
            }
        });
        foreach (var group in groups)
        {
            await tg.SendAsync(Text(group, Alice, "/split@GroupPayTestBot 110 EUR Party"));
        }

        var cards = groups.ToDictionary(g => g, g => tg.Fake.Delivered(g).Single().MessageId!.Value);
        var joins = new Dictionary<long, string>();
        foreach (var group in groups)
        {
            joins[group] = (await tg.Host.Store.LoadFlowAsync($"telegram:{group}", 1))!.Tokens["join"];
        }

        // 100 presses at once: every group's card changes 10 times while all of them are being delivered.
        await Task.WhenAll(groups.SelectMany(g => Joiners.Select(async member =>
        {
            using var response = await tg.PostWebhookAsync(Press(g, member, cards[g], joins[g]), WebhookSecret);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        })));
        await tg.DrainAsync();

        foreach (var group in groups)
        {
            var flow = (await tg.Host.Store.LoadFlowAsync($"telegram:{group}", 1))!;
            Assert.Equal(Joiners.Select(m => $"telegram:{m.Id}").Order(), flow.Participants.Select(p => p.Member).Order());
            var shown = tg.Fake.MessageText(group, cards[group])!;
            Assert.Contains("11 joined:", shown, StringComparison.Ordinal);
            Assert.All(Joiners, member => Assert.Contains("• " + member.FirstName, shown, StringComparison.Ordinal));
            Assert.True(tg.Fake.Calls.Count(c => c.ChatId == group && c.Status == 429) <= 1, $"more than one 429 in {group}");
        }
    }

    [Fact]
    public async Task A_429_is_honoured_the_chat_waits_retry_after_and_the_card_still_ends_current()
    {
        await using var tg = await StartAsync("Polling", fake =>
        {
            fake.SetAdmins(Group, Alice.Id);
            fake.LimitGroup(Group, 3);
        });
        await tg.SendAsync(Text(Group, Alice, "/split@GroupPayTestBot 60 EUR Slow mode"));
        var card = tg.Fake.Delivered(Group).Single().MessageId!.Value;
        var join = (await tg.Host.Store.LoadFlowAsync($"telegram:{Group}", 1))!.Tokens["join"];
        foreach (var member in Joiners.Take(5))
        {
            await tg.SendAsync(Press(Group, member, card, join));
        }

        var calls = tg.Fake.Calls.Where(c => c.ChatId == Group && c.Method is "sendMessage" or "editMessageText").ToList();
        var refusals = calls.Select((c, i) => (Call: c, Index: i)).Where(x => x.Call.Status == 429).ToList();
        Assert.NotEmpty(refusals);
        foreach (var (refused, index) in refusals)
        {
            var retryAfter = TimeSpan.FromSeconds(refused.RetryAfter!.Value);
            var next = calls[index + 1];
            Assert.True(next.At - refused.At >= retryAfter - TimeSpan.FromMilliseconds(50), $"sent again after {(next.At - refused.At).TotalMilliseconds} ms");
        }

        var shown = tg.Fake.MessageText(Group, card)!;
        Assert.Contains("6 joined:", shown, StringComparison.Ordinal);
        Assert.All(Joiners.Take(5), member => Assert.Contains("• " + member.FirstName, shown, StringComparison.Ordinal));
        using var client = tg.Host.Client();
        Assert.Matches(@"grouppay_outbound_throttled_total [1-9]", await client.GetStringAsync("/metrics"));
    }
}
