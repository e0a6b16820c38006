using System.Text.Json.Nodes;
using GroupPay.BotHost.Hosting;
using GroupPay.Channels.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace GroupPay.IntegrationTests.Discord;

public sealed class DiscordDeferredTests
{
    [Fact]
    public async Task While_the_chat_is_held_by_another_delivery_a_command_is_deferred_and_its_card_completes_the_interaction_once()
    {
        await using var discord = await FakeDiscord.StartAsync();
        await using var host = TestHost.Start("it-admin-key-0123456789",
            ("Discord:PublicKey", FakeDiscord.PublicKeyHex),
            ("Discord:ApplicationId", FakeDiscord.ApplicationId),
            ("Discord:BotToken", FakeDiscord.BotToken),
            ("Discord:ApiBaseUrl", discord.BaseUrl),
            ("Discord:InlineWait", "00:00:00.2"));
        using var bot = host.Client();
        var chatKey = $"discord:{FakeDiscord.ChannelId}";
        var outbox = host.Services.GetRequiredService<IInlineOutbox>();

        var held = await outbox.ClaimAsync(chatKey, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.NotNull(held);
        var answer = await discord.SendAsync(bot, discord.SlashCommand(FakeDiscord.Member("11", "Alice"), "split",
            ("amount", 3, JsonValue.Create("60")), ("currency", 3, JsonValue.Create("EUR")), ("description", 3, JsonValue.Create("Taxi")), ("participants", 3, JsonValue.Create("<@12>"))));

        Assert.Equal(5, answer.Type);
        Assert.Empty(discord.CallsTo("PATCH", "@original"));
        await held!.DisposeAsync();

        var completed = await discord.WaitForAsync(c => c.Method == "PATCH" && c.Path.Contains(answer.Token, StringComparison.Ordinal), "the deferred answer's completion");
        Assert.Contains("#1 Taxi · 60.00 EUR", completed.Json!["content"]!.GetValue<string>());
        await host.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);
        Assert.Single(discord.CallsTo("PATCH", "@original"));
        Assert.Empty(discord.CallsTo("POST", "/channels/"));
        Assert.NotNull(await host.Store.LoadCardRefAsync(chatKey, "flow:1"));
    }
}
