using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GroupPay.BotHost.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GroupPay.IntegrationTests.Discord;

/// <summary>
/// The real host with the Discord channel on, talking to a fake Discord over loopback: interactions are signed with
/// the RFC 8032 test key whose public half is configured as <c>Discord:PublicKey</c>.
/// </summary>
public sealed class DiscordInteractionTests : IAsyncLifetime
{
    private const int String = 3;
    private const int Integer = 4;
    private const int User = 6;
    private static readonly JsonObject Alice = FakeDiscord.Member("11", "Alice");
    private static readonly JsonObject Bob = FakeDiscord.Member("12", "Bob");
    private static readonly JsonObject Carol = FakeDiscord.Member("13", "Carol");

    private FakeDiscord discord = null!;
    private TestHost host = null!;
    private HttpClient bot = null!;

    public async ValueTask InitializeAsync()
    {
        discord = await FakeDiscord.StartAsync();
        host = TestHost.Start("it-admin-key-0123456789",
            ("Discord:PublicKey", FakeDiscord.PublicKeyHex),
            ("Discord:ApplicationId", FakeDiscord.ApplicationId),
            ("Discord:BotToken", FakeDiscord.BotToken),
            ("Discord:GuildId", FakeDiscord.GuildId),
            ("Discord:ApiBaseUrl", discord.BaseUrl));
        bot = host.Client();
    }

    public async ValueTask DisposeAsync()
    {
        bot.Dispose();
        await host.DisposeAsync();
        await discord.DisposeAsync();
    }

    private string ChatKey => $"discord:{FakeDiscord.ChannelId}";

    private Task DrainOutboxAsync() => host.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    [Fact]
    public async Task Commands_of_the_spec_are_registered_in_the_guild_at_start_with_typed_options()
    {
        var put = await discord.WaitForAsync(c => c.Method == "PUT", "the command registration");

        Assert.Equal($"/api/v10/applications/{FakeDiscord.ApplicationId}/guilds/{FakeDiscord.GuildId}/commands", put.Path);
        Assert.Equal($"Bot {FakeDiscord.BotToken}", put.Authorization);
        var commands = put.Json!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => c["name"]!.GetValue<string>());
        foreach (var name in new[] { "split", "collect", "lottery", "raffle", "transfer", "pay", "request", "balance", "settle", "history", "export", "cancel", "verify", "payme", "settings", "help", "start" })
        {
            Assert.True(commands.ContainsKey(name), name);
        }

        var split = commands["split"]["options"]!.AsArray().ToDictionary(o => o!["name"]!.GetValue<string>(), o => o!.AsObject());
        Assert.Equal(String, split["amount"]["type"]!.GetValue<int>());
        Assert.True(split["amount"]["required"]!.GetValue<bool>());
        Assert.True(split["currency"]["autocomplete"]!.GetValue<bool>());
        Assert.Equal(String, split["participants"]["type"]!.GetValue<int>());
        var lottery = commands["lottery"]["options"]!.AsArray().ToDictionary(o => o!["name"]!.GetValue<string>(), o => o!.AsObject());
        Assert.Equal(Integer, lottery["count"]["type"]!.GetValue<int>());
        Assert.Equal("32", commands["settings"]["default_member_permissions"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ping_gets_pong()
    {
        var answer = await discord.SendAsync(bot, new JsonObject { ["id"] = "787053080478613555", ["token"] = "ThisIsATokenFromDiscordThatIsVeryLong", ["type"] = 1, ["version"] = 1 });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("""{"type":1}""", answer.Json!.ToJsonString());
    }

    [Fact]
    public async Task Bad_signature_missing_headers_and_stale_timestamp_get_401_and_change_nothing()
    {
        var split = discord.SlashCommand(Alice, "split", ("amount", String, "90"), ("participants", String, "<@12>"));
        var body = Encoding.UTF8.GetBytes(split.ToJsonString());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stale = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tampered = (byte[])body.Clone();
        tampered[^3] ^= 1;

        Assert.Equal(HttpStatusCode.Unauthorized, await PostRawAsync(tampered, FakeDiscord.Sign(now, body), now));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostRawAsync(body, null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostRawAsync(body, FakeDiscord.Sign(now, body), null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostRawAsync(body, FakeDiscord.Sign(stale, body), stale));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostRawAsync(body, FakeDiscord.Sign(now, body), now + "0"));

        Assert.False(await host.Store.IsProcessedAsync($"discord:interaction:{split["id"]}"));
        Assert.Null(await host.Store.LoadChatAsync(ChatKey));
        Assert.DoesNotContain(discord.Calls, c => c.Method != "PUT");
    }

    [Fact]
    public async Task A_split_by_slash_command_answers_with_its_card_once_and_a_sandbox_payment_edits_that_card_through_rest()
    {
        var answer = await discord.SendAsync(bot, discord.SlashCommand(Alice, "split",
            ("amount", String, "90"), ("currency", String, "EUR"), ("description", String, "Dinner"), ("participants", String, "<@12> <@13>")));

        Assert.Equal(4, answer.Type);
        Assert.False(answer.IsEphemeral);
        Assert.Contains("#1 Dinner · 90.00 EUR", answer.Content);
        var payLinks = answer.Buttons.Where(b => b["style"]!.GetValue<int>() == 5).Select(b => b["url"]!.GetValue<string>()).ToList();
        Assert.Equal(2, payLinks.Count);
        Assert.All(payLinks, url => Assert.StartsWith($"{host.BaseAddress.ToString().TrimEnd('/')}/pay/", url));

        var original = await discord.WaitForAsync(c => c.Method == "GET" && c.Path.EndsWith($"/webhooks/{FakeDiscord.ApplicationId}/{answer.Token}/messages/@original", StringComparison.Ordinal), "the look-up of the answer's message");
        Assert.Null(original.Authorization);
        await DrainOutboxAsync();
        Assert.Empty(discord.CallsTo("POST", "/channels/"));

        var before = discord.Calls.Count;
        discord.RateLimitNext(30);
        var token = payLinks[0][(payLinks[0].LastIndexOf('/') + 1)..];
        using var pay = await bot.PostAsync($"/pay/{token}/sandbox", new FormUrlEncodedContent([new("action", "pay")]));
        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        await DrainOutboxAsync();

        var after = discord.Calls.Skip(before).ToList();
        Assert.Equal((after[0].Method, after[0].Path, after[0].Body), (after[1].Method, after[1].Path, after[1].Body));
        var edit = Assert.Single(discord.CallsTo("PATCH", $"/channels/{FakeDiscord.ChannelId}/messages/").Distinct());
        Assert.Equal($"Bot {FakeDiscord.BotToken}", edit.Authorization);
        Assert.Contains("paid", edit.Json!["content"]!.GetValue<string>());
        var card = discord.Message(FakeDiscord.ChannelId + "/" + edit.Path.Split('/')[^1]);
        Assert.Contains("#1 Dinner", card["content"]!.GetValue<string>());
        Assert.Contains("· paid", card["content"]!.GetValue<string>());
        Assert.Contains(discord.CallsTo("POST", $"/channels/{FakeDiscord.ChannelId}/messages"), c => c.Json!["content"]!.GetValue<string>().Contains("paid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_whose_answer_was_lost_is_sent_again_with_the_same_enforced_nonce_and_appears_once()
    {
        var answer = await discord.SendAsync(bot, discord.SlashCommand(Alice, "split",
            ("amount", String, "90"), ("currency", String, "EUR"), ("description", String, "Dinner"), ("participants", String, "<@12> <@13>")));
        var payLink = answer.Buttons.First(b => b["style"]!.GetValue<int>() == 5)["url"]!.GetValue<string>();
        await DrainOutboxAsync();
        var createdBefore = discord.ChannelMessagesCreated;

        discord.LoseNextCreateAnswer();
        using var pay = await bot.PostAsync($"/pay/{payLink[(payLink.LastIndexOf('/') + 1)..]}/sandbox", new FormUrlEncodedContent([new("action", "pay")]));
        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        await DrainOutboxAsync();

        var posts = discord.CallsTo("POST", $"/channels/{FakeDiscord.ChannelId}/messages").ToList();
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.True(p.Json!["enforce_nonce"]!.GetValue<bool>()));
        Assert.Equal(posts[0].Json!["nonce"]!.ToString(), posts[1].Json!["nonce"]!.ToString());
        Assert.Equal(createdBefore + 1, discord.ChannelMessagesCreated);
    }

    [Fact]
    public async Task A_collect_is_joined_and_closed_by_buttons_each_press_updating_the_card_in_place()
    {
        var opened = await discord.SendAsync(bot, discord.SlashCommand(Alice, "collect", ("amount", String, "10"), ("currency", String, "EUR"), ("description", String, "Tickets")));
        Assert.Equal(4, opened.Type);
        var cardRef = await CardRefAsync(1);

        var joined = await discord.SendAsync(bot, discord.ButtonPress(Bob, cardRef, InteractionAnswer.CustomId(opened.Data, "Join")));
        Assert.Equal(7, joined.Type);
        Assert.Contains("Bob", joined.Content);
        var toast = await discord.WaitForAsync(c => c.Method == "POST" && c.Path.Contains(joined.Token, StringComparison.Ordinal), "the toast as a follow-up");
        Assert.Equal(64, toast.Json!["flags"]!.GetValue<int>());

        var closed = await discord.SendAsync(bot, discord.ButtonPress(Alice, cardRef, InteractionAnswer.CustomId(joined.Data, "Close")));
        Assert.Equal(7, closed.Type);
        Assert.NotEqual(joined.Content, closed.Content);

        await DrainOutboxAsync();
        Assert.Empty(discord.CallsTo("PATCH", "/channels/"));
        Assert.Empty(discord.CallsTo("POST", "/channels/"));
        Assert.Single(await host.Store.ObligationsAsync(ChatKey, 1, openOnly: true));
    }

    [Fact]
    public async Task A_red_packet_is_grabbed_by_two_members_and_a_refused_press_answers_only_the_presser()
    {
        var packet = await discord.SendAsync(bot, discord.SlashCommand(Alice, "lottery", ("amount", String, "10"), ("currency", String, "EUR"), ("count", Integer, 2), ("description", String, "Luck")));
        Assert.Equal(4, packet.Type);
        var cardRef = await CardRefAsync(1);
        var grab = InteractionAnswer.CustomId(packet.Data, "Grab");

        var own = await discord.SendAsync(bot, discord.ButtonPress(Alice, cardRef, grab));
        Assert.Equal(4, own.Type);
        Assert.True(own.IsEphemeral);

        var first = await discord.SendAsync(bot, discord.ButtonPress(Bob, cardRef, grab));
        Assert.Equal(7, first.Type);
        var second = await discord.SendAsync(bot, discord.ButtonPress(Carol, cardRef, grab));
        Assert.Equal(7, second.Type);
        Assert.Contains("Carol", second.Content);

        var obligations = await host.Store.ObligationsAsync(ChatKey, 1, openOnly: false);
        Assert.Equal(2, obligations.Count);
        Assert.Equal(1000, obligations.Sum(o => o.Amount.Minor));
    }

    [Fact]
    public async Task A_transfer_to_a_user_option_answers_with_a_pay_link_and_a_refused_command_is_ephemeral_and_sent_once()
    {
        var transfer = await discord.SendAsync(bot, discord.SlashCommand(Alice, "transfer", ("user", User, "12"), ("amount", String, "15"), ("currency", String, "EUR"), ("description", String, "Lunch")));
        Assert.Equal(4, transfer.Type);
        Assert.Contains("15.00 EUR", transfer.Content);
        Assert.Contains(transfer.Buttons, b => b["style"]!.GetValue<int>() == 5);
        var obligation = Assert.Single(await host.Store.ObligationsAsync(ChatKey, 1, openOnly: true));
        Assert.Equal("discord:11", obligation.Debtor);
        Assert.Equal("discord:12", obligation.Creditor);

        var refused = await discord.SendAsync(bot, discord.SlashCommand(Alice, "split", ("amount", String, "12..5"), ("participants", String, "<@12>")));
        Assert.Equal(4, refused.Type);
        Assert.True(refused.IsEphemeral);
        Assert.Contains("12..5", refused.Content);

        await DrainOutboxAsync();
        Assert.Empty(discord.CallsTo("POST", "/channels/"));
    }

    [Fact]
    public async Task The_same_interaction_twice_has_one_effect()
    {
        var split = discord.SlashCommand(Alice, "split", ("amount", String, "30"), ("currency", String, "EUR"), ("participants", String, "<@12>"));

        var first = await discord.SendAsync(bot, split);
        var again = await discord.SendAsync(bot, split);

        Assert.Equal(4, first.Type);
        Assert.False(first.IsEphemeral);
        Assert.True(again.IsEphemeral);
        Assert.Single(await host.Store.RecentFlowsAsync(ChatKey, 10, openOnly: false));
        Assert.Single(await host.Store.ObligationsAsync(ChatKey, null, openOnly: false));
        await DrainOutboxAsync();
        Assert.Empty(discord.CallsTo("POST", "/channels/"));
    }

    [Fact]
    public async Task Members_with_manage_guild_are_admins_and_others_are_refused_settings()
    {
        var manager = FakeDiscord.Member("21", "Mia", permissions: "32");

        var refused = await discord.SendAsync(bot, discord.SlashCommand(Bob, "settings", ("setting", String, "currency"), ("value", String, "USD")));
        var changed = await discord.SendAsync(bot, discord.SlashCommand(manager, "settings", ("setting", String, "currency"), ("value", String, "USD")));

        Assert.True(refused.IsEphemeral);
        Assert.False(changed.IsEphemeral);
        Assert.Equal("USD", (await host.Store.LoadChatAsync(ChatKey))!.Settings.CurrencyCode);
    }

    private async Task<string> CardRefAsync(int flow)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await host.Store.LoadCardRefAsync(ChatKey, $"flow:{flow}") is { } found)
            {
                return found;
            }

            await Task.Delay(25);
        }

        throw new Xunit.Sdk.XunitException($"The card of #{flow} never got its Discord message id.");
    }

    private async Task<HttpStatusCode> PostRawAsync(byte[] body, string? signature, string? timestamp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/discord/interactions") { Content = new ByteArrayContent(body) };
        if (signature is not null)
        {
            request.Headers.Add("X-Signature-Ed25519", signature);
        }

        if (timestamp is not null)
        {
            request.Headers.Add("X-Signature-Timestamp", timestamp);
        }

        using var response = await bot.SendAsync(request);
        return response.StatusCode;
    }
}
