using GroupPay.Dialogs.Engine;

namespace GroupPay.Tests.Conversations;

/// <summary>Button and pay tokens: unguessable, and led by the time so a store's index of them grows at one end.</summary>
public sealed class TokenTests
{
    [Fact]
    public async Task Tokens_carry_120_random_bits_after_a_time_prefix_and_later_tokens_sort_after_earlier_ones()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol");
        await chat.SendAsync("Alice", "/split 30 EUR Dinner @bob @carol");
        chat.Clock.Advance(TimeSpan.FromSeconds(2));
        await chat.SendAsync("Alice", "/split 12 EUR Taxi @bob @carol");

        var first = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!;
        var second = (await chat.Store.LoadFlowAsync(chat.ChatKey, 2))!;
        var firstPay = (await chat.Store.ObligationsAsync(chat.ChatKey, 1, openOnly: false)).Select(o => o.PayToken).ToList();
        string[] all = [.. first.Tokens.Values, .. second.Tokens.Values, .. firstPay];

        Assert.All(all, token =>
        {
            Assert.Equal(28, token.Length);
            Assert.Matches("^[0-9a-z]{8}[A-Za-z0-9_-]{20}$", token);
        });
        Assert.Equal(all.Length, all.Distinct(StringComparer.Ordinal).Count());
        Assert.All(first.Tokens.Values, early => Assert.All(second.Tokens.Values, late =>
            Assert.True(string.CompareOrdinal(early[..8], late[..8]) < 0, $"{early} should sort before {late}")));
    }

    [Fact]
    public async Task A_press_whose_token_the_channel_read_already_is_not_read_again_and_a_record_of_another_token_is_not_used()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob", "Carol");
        await chat.SendAsync("Alice", "/split 30 EUR Dinner");
        var join = chat.Button(1, "Join").Value;
        var other = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!.Tokens.Values.First(token => token != join);
        var (store, counts) = CountingStore.Wrap(chat.Store);
        var engine = new DialogEngine(store, chat.Clock, chat.Options, chat.Log);

        await engine.HandleAsync(new ButtonInbound(chat.ChatKey, "btn:known", Conversation.ActorOf("Bob"), join) { Known = await chat.Store.LoadTokenAsync(join) });
        Assert.Equal(0, counts.Of(nameof(IGroupPayStore.LoadTokenAsync)));

        await engine.HandleAsync(new ButtonInbound(chat.ChatKey, "btn:mismatch", Conversation.ActorOf("Carol"), join) { Known = await chat.Store.LoadTokenAsync(other) });
        Assert.Equal(1, counts.Of(nameof(IGroupPayStore.LoadTokenAsync)));

        var flow = (await chat.Store.LoadFlowAsync(chat.ChatKey, 1))!;
        Assert.Equal(["test:bob", "test:carol"], flow.Participants.Select(p => p.Member).Where(m => m != "test:alice"));
    }
}
