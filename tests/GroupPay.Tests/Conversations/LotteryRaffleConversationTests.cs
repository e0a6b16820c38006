using GroupPay.Payments.Draws;

namespace GroupPay.Tests.Conversations;

public sealed class LotteryRaffleConversationTests
{
    [Fact]
    public async Task A_red_packet_is_grabbed_empty_and_verifies_from_the_revealed_seed()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/lottery 10 EUR 3 Happy new year");
        var commitment = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!.Commitment!;
        Assert.Contains(commitment, chat.CardText(1));
        Assert.DoesNotContain("Seed revealed", chat.CardText(1));

        await chat.PressAsync("Bob", 1, "Grab");
        Assert.StartsWith("🧧 You got ", chat.LastToast);
        await chat.PressAsync("Carol", 1, "Grab");
        await chat.PressAsync("Dave", 1, "Grab");

        var flow = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!;
        Assert.Equal("Empty", flow.State);
        Assert.Equal(1000, flow.Participants.Sum(p => p.Minor));
        Assert.Contains($"Seed revealed: {flow.SeedHex}", chat.CardText(1));
        var expected = FairDraw.RedPacket(Convert.FromHexString(flow.SeedHex!), flow.Id, 1000, 3);
        Assert.Equal(expected, flow.Participants.Select(p => p.Minor!.Value));
        Assert.Equal(-1000, (await chat.NetsAsync())["Alice"]);

        await chat.SendAsync("Erin", "/verify #1");
        Assert.Contains("Every amount follows from the seed", chat.LastReply);
        Assert.Equal(3, chat.LastReply.Split('\n').Count(l => l.StartsWith('✓')) - 1);
    }

    [Fact]
    public async Task Grab_refusals_own_packet_twice_and_after_empty()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/lottery 0.02 EUR 2");

        await chat.PressAsync("Alice", 1, "Grab");
        Assert.Equal("That's your own red packet: let the others grab it.", chat.LastToast);
        await chat.PressAsync("Bob", 1, "Grab");
        await chat.PressAsync("Bob", 1, "Grab");
        Assert.Equal("You already grabbed from #1.", chat.LastToast);
        var grab = chat.Button(1, "Grab").Value;
        await chat.PressAsync("Carol", 1, "Grab");
        await chat.PressTokenAsync("Dave", grab);
        Assert.Equal("#1 is all grabbed, so you can't grab it now.", chat.LastToast);
        Assert.Equal(2, (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!.Participants.Count);
    }

    [Fact]
    public async Task An_expired_packet_reveals_its_seed_and_ungrabbed_money_is_not_owed()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/lottery 30 EUR 3");
        await chat.PressAsync("Bob", 1, "Grab");

        await chat.AdvanceAsync(TimeSpan.FromHours(25));

        var flow = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!;
        Assert.Equal("Expired", flow.State);
        Assert.True(flow.SeedRevealed);
        Assert.Equal(flow.Participants[0].Minor, (await chat.NetsAsync())["Bob"]);
        Assert.Equal(-flow.Participants[0].Minor, (await chat.NetsAsync())["Alice"]);
    }

    [Fact]
    public async Task Cancel_a_packet_and_bad_counts()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/lottery 0.02 EUR 3");
        Assert.Contains("too small for 3 red packets", chat.LastReply);

        await chat.SendAsync("Alice", "/lottery 5 EUR 2");
        await chat.PressAsync("Bob", 1, "Grab");
        await chat.SendAsync("Carol", "/cancel #1");
        Assert.Equal("Only Alice (who started #1) or an admin can do that.", chat.LastReply);
        await chat.SendAsync("Alice", "/cancel #1");
        Assert.Contains("Status: cancelled", chat.CardText(1));
        Assert.All((await chat.NetsAsync()).Values, net => Assert.Equal(0, net));
    }

    [Fact]
    public async Task A_raffle_draws_a_winner_and_the_others_owe_the_ticket()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/raffle 5 EUR Concert tickets");
        await chat.PressAsync("Alice", 1, "Draw");
        Assert.Equal("At least two people must join #1 before the draw.", chat.LastToast);

        foreach (var member in new[] { "Alice", "Bob", "Carol", "Dave" })
        {
            await chat.PressAsync(member, 1, "Join");
        }

        await chat.PressAsync("Bob", 1, "Draw");
        Assert.Equal("Only Alice (who started #1) or an admin can do that.", chat.LastToast);
        await chat.PressAsync("Alice", 1, "Draw");

        var flow = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!;
        var winner = flow.Participants[flow.WinnerIndex!.Value].Member;
        Assert.Equal(FairDraw.PickWinner(Convert.FromHexString(flow.SeedHex!), flow.Id, 4), flow.WinnerIndex);
        var nets = await chat.NetsAsync();
        Assert.Equal(1500, nets.Single(n => n.Value > 0).Value);
        Assert.Equal(3, nets.Count(n => n.Value == -500));
        Assert.Contains("wins 15.00 EUR", chat.LastReply);
        Assert.Contains(winner, (await chat.Store.LoadChatAsync(chat.ChatKey))!.Members.Select(m => m.Key));

        await chat.SendAsync("Erin", "/verify 1");
        Assert.Contains("Every amount follows from the seed", chat.LastReply);
    }

    [Fact]
    public async Task An_undrawn_raffle_is_cancelled_after_a_week()
    {
        await using var chat = await Conversation.StartAsync();
        await chat.SendAsync("Alice", "/raffle 5 EUR Concert");
        await chat.PressAsync("Bob", 1, "Join");
        await chat.AdvanceAsync(TimeSpan.FromDays(8));
        Assert.Contains("Status: cancelled", chat.CardText(1));
        Assert.Contains("Seed revealed", chat.CardText(1));
    }
}
