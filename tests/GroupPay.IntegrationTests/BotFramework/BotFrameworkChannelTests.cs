using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GroupPay.Channels.BotFramework;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using Microsoft.AspNetCore.Http;

namespace GroupPay.IntegrationTests.BotFramework;

/// <summary>Teams conversations through <c>/api/messages</c>, the fake Bot Framework playing the Connector.</summary>
public sealed class BotFrameworkChannelTests
{
    private static async Task<BotFrameworkConversation> InstalledAsync()
    {
        var chat = await BotFrameworkConversation.StartAsync();
        await chat.SendAsync(chat.BotAdded("Alice"));
        return chat;
    }

    private static ConnectorCall LastCard(BotFrameworkConversation chat) => chat.Fake.Calls.Last(c => c.Card is not null);

    private static string PayUrl(ConnectorCall card, string debtor) =>
        (string)card.Buttons.Single(b => (string?)b["type"] == "openUrl" && ((string?)b["title"])!.Contains(debtor + " pays", StringComparison.Ordinal))["value"]!;

    private static JsonNode Button(ConnectorCall card, string label) =>
        card.Buttons.Single(b => ((string?)b["title"])!.Contains(label, StringComparison.Ordinal));

    [Fact]
    public async Task Alice_adds_the_bot_and_it_greets_her_through_the_connector_with_its_own_token()
    {
        await using var chat = await BotFrameworkConversation.StartAsync();

        await chat.SendAsync(chat.BotAdded("Alice"));

        var greeting = Assert.Single(chat.Fake.Calls);
        Assert.Equal("POST", greeting.Method);
        Assert.Equal(BotFrameworkConversation.ConversationId, greeting.ConversationId);
        Assert.Equal($"Bearer {FakeBotFramework.AccessToken}", greeting.Authorization);
        Assert.Contains("Hi Alice", (string?)greeting.Body["text"]);
        Assert.Equal(BotFrameworkConversation.BotId, (string?)greeting.Body["from"]?["id"]);
        Assert.Equal(
            $"client_credentials|{FakeBotFramework.AppId}|{FakeBotFramework.AppPassword}|https://api.botframework.com/.default",
            Assert.Single(chat.Fake.TokenRequestBodies));
    }

    [Fact]
    public async Task A_full_split_is_paid_through_the_sandbox_and_its_card_is_edited_in_place()
    {
        await using var chat = await InstalledAsync();

        await chat.SendAsync(chat.Message("Alice", "split 90 EUR Dinner @Bob @Carol"));

        var card = LastCard(chat);
        Assert.Equal("POST", card.Method);
        Assert.Equal(BotFrameworkSender.HeroCardType, (string?)card.Body["attachments"]![0]!["contentType"]);
        Assert.Contains("Bob owes 30.00 EUR", card.CardText);
        Assert.Contains("Carol owes 30.00 EUR", card.CardText);
        var cardId = $"activity-{chat.Fake.Calls.Count}";

        await chat.PayAsync(PayUrl(card, "Bob"));

        var update = chat.Fake.Calls[^1];
        Assert.Equal("PUT", update.Method);
        Assert.Equal(cardId, update.ActivityId);
        Assert.Matches("✅ Bob owes 30.00 EUR", update.CardText);
        Assert.Contains("Carol owes 30.00 EUR", update.CardText);
        Assert.DoesNotContain(update.Buttons, b => ((string?)b["title"])!.Contains("Bob pays", StringComparison.Ordinal));
        Assert.All(chat.Fake.Calls, call => Assert.Equal($"Bearer {FakeBotFramework.AccessToken}", call.Authorization));
        Assert.Equal(1, chat.Fake.TokenRequests);
        Assert.Equal(ObligationState.Paid, (await chat.Host.Store.ObligationsAsync(BotFrameworkConversation.ChatKey, 1, openOnly: false))
            .Single(o => o.Debtor == "botframework:2").State);
    }

    [Fact]
    public async Task A_collect_is_joined_with_a_card_button_and_paid()
    {
        await using var chat = await InstalledAsync();
        await chat.SendAsync(chat.Message("Alice", "/collect 20 EUR Club dues"));
        var card = LastCard(chat);
        var join = Button(card, "Join");
        Assert.NotNull(join["value"]?[BotFrameworkSender.ButtonValueKey]);

        await chat.SendAsync(chat.Press("Bob", join));

        var update = chat.Fake.Calls.Last(c => c.Method == "PUT");
        Assert.Equal(card.ConversationId, update.ConversationId);
        Assert.Contains("Bob", update.CardText);
        Assert.Contains(chat.Fake.Calls, c => (string?)c.Body["text"] == "Bob: You joined #1.");

        await chat.PayAsync(PayUrl(update, "Bob"));

        Assert.Contains("1 of 1 paid", LastCard(chat).CardText);
        Assert.Equal("PUT", LastCard(chat).Method);
    }

    [Fact]
    public async Task A_transfer_to_a_mentioned_member_carries_a_pay_link_that_settles_it()
    {
        await using var chat = await InstalledAsync();
        await chat.SendAsync(chat.Message("Bob", "hello"));

        await chat.SendAsync(chat.Message("Alice", "transfer @Bob 15 EUR Lunch"));

        var card = LastCard(chat);
        Assert.Contains("Alice → Bob", card.CardText);
        await chat.PayAsync(PayUrl(card, "Alice"));
        Assert.Equal("PUT", LastCard(chat).Method);
        Assert.Contains("✅", LastCard(chat).CardText);
        var obligation = Assert.Single(await chat.Host.Store.ObligationsAsync(BotFrameworkConversation.ChatKey, 1, openOnly: false));
        Assert.Equal(ObligationState.Paid, obligation.State);
        Assert.Equal(Money.FromMinor(1500, Currency.Get("EUR")), obligation.Amount);
    }

    [Fact]
    public async Task The_same_activity_twice_has_one_effect()
    {
        await using var chat = await InstalledAsync();
        var split = chat.Message("Alice", "split 30 EUR Taxi @Bob", id: "1760656520090");

        await chat.SendAsync(split);
        var calls = chat.Fake.Calls.Count;
        await chat.SendAsync(split);

        Assert.Equal(calls, chat.Fake.Calls.Count);
        Assert.Single(await chat.Host.Store.RecentFlowsAsync(BotFrameworkConversation.ChatKey, 10, openOnly: false));
    }

    public static TheoryData<string> BadTokens => new() { "wrong issuer", "wrong audience", "expired", "unknown key", "serviceUrl mismatch", "no token", "not a JWT" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_request_with_a_bad_token_is_refused_with_401_and_changes_nothing(string bad)
    {
        await using var chat = await BotFrameworkConversation.StartAsync();
        using var stranger = RSA.Create(2048);
        var token = bad switch
        {
            "wrong issuer" => chat.Fake.Token(issuer: "https://sts.example.invalid/"),
            "wrong audience" => chat.Fake.Token(audience: "another-bot"),
            "expired" => chat.Fake.Token(expires: DateTime.UtcNow.AddMinutes(-6)),
            "unknown key" => chat.Fake.Token(signWith: stranger, kid: "rotated-key"),
            "serviceUrl mismatch" => chat.Fake.Token(serviceUrl: "https://evil.example.invalid/"),
            "not a JWT" => "definitely-not-a-jwt",
            _ => null,
        };

        using var response = await chat.PostAsync(chat.Message("Alice", "split 90 EUR Dinner @Bob"), token);
        await chat.DrainAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(chat.Fake.Calls);
        Assert.Null(await chat.Host.Store.LoadChatAsync(BotFrameworkConversation.ChatKey));
    }

    [Fact]
    public async Task A_token_within_the_five_minute_skew_is_accepted_and_a_key_not_endorsed_for_the_channel_is_refused()
    {
        await using var chat = await BotFrameworkConversation.StartAsync();

        using var late = await chat.PostAsync(chat.BotAdded("Alice"), chat.Fake.Token(expires: DateTime.UtcNow.AddMinutes(-4)));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);

        await using var other = await BotFrameworkConversation.StartAsync();
        other.Fake.Endorsements = ["skype"];
        using var unendorsed = await other.PostAsync(other.BotAdded("Alice"));
        Assert.Equal(HttpStatusCode.Forbidden, unendorsed.StatusCode);
        Assert.Null(await other.Host.Store.LoadChatAsync(BotFrameworkConversation.ChatKey));
    }

    [Fact]
    public async Task Malformed_activities_get_400_and_activities_we_do_not_handle_are_acknowledged()
    {
        await using var chat = await InstalledAsync();
        var calls = chat.Fake.Calls.Count;

        using var garbage = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        garbage.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", chat.Fake.Token());
        using var malformed = await chat.Client.SendAsync(garbage);
        var noConversation = chat.Message("Alice", "balance");
        noConversation.Remove("conversation");
        using var incomplete = await chat.PostAsync(noConversation);
        using var typing = await chat.PostAsync(chat.Activity("typing", "Bob"));
        var unknown = chat.Message("Alice", "/frobnicate now");
        await chat.SendAsync(unknown);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, typing.StatusCode);
        var reply = Assert.Single(chat.Fake.Calls.Skip(calls));
        Assert.Contains("/frobnicate", (string?)reply.Body["text"]);
    }

    [Fact]
    public async Task Metadata_and_keys_are_read_once_for_many_activities()
    {
        await using var chat = await InstalledAsync();

        for (var i = 0; i < 5; i++)
        {
            await chat.SendAsync(chat.Message("Alice", "balance"));
        }

        Assert.Equal(1, chat.Fake.MetadataReads);
        Assert.Equal(1, chat.Fake.TokenRequests);
    }

    [Fact]
    public async Task A_throttled_connector_is_retried_until_the_reply_lands()
    {
        await using var chat = await InstalledAsync();
        chat.Fake.Throttle(2);

        await chat.SendAsync(chat.Message("Alice", "split 40 EUR Cab @Bob"));

        Assert.Contains("Bob owes 20.00 EUR", LastCard(chat).CardText);
    }

    [Fact]
    public void Mentions_strip_the_bot_and_name_other_members_by_number()
    {
        var activity = new Activity
        {
            ChannelId = "msteams",
            Text = "<at>GroupPay</at> split 90&nbsp;EUR Fish &amp; chips <at>Bob Smith</at>=60 <at>Nobody</at>",
            Recipient = new ChannelAccount { Id = "28:bot" },
            Entities =
            [
                new Entity { Type = "mention", Text = "<at>GroupPay</at>", Mentioned = new ChannelAccount { Id = "28:bot", Name = "GroupPay" } },
                new Entity { Type = "mention", Text = "<at>Bob Smith</at>", Mentioned = new ChannelAccount { Id = "29:bob", Name = "Bob Smith" } },
            ],
        };

        var text = BotFrameworkAdapter.CommandText(activity, new Dictionary<string, long> { ["29:bob"] = 7 });

        Assert.Equal("split 90 EUR Fish & chips <@7>=60 Nobody", text);
    }

    [Fact]
    public async Task The_installer_is_an_admin_and_can_make_another_member_one()
    {
        await using var chat = await InstalledAsync();

        await chat.SendAsync(chat.Message("Bob", "settings currency USD"));
        Assert.Equal("Only admins can change settings.", (string?)chat.Fake.Calls[^1].Body["text"]);

        await chat.SendAsync(chat.Message("Alice", "settings admins add @Bob"));
        Assert.Equal("Bob is now an admin.", (string?)chat.Fake.Calls[^1].Body["text"]);

        await chat.SendAsync(chat.Message("Bob", "settings currency USD"));
        Assert.Equal("USD", (await chat.Host.Store.LoadChatAsync(BotFrameworkConversation.ChatKey))!.Settings.CurrencyCode);
    }

    [Fact]
    public async Task An_adaptive_card_action_invoke_presses_the_button_and_answers_in_the_invoke_response()
    {
        await using var chat = await InstalledAsync();
        await chat.SendAsync(chat.Message("Alice", "collect 5 EUR Coffee"));
        var token = (string)Button(LastCard(chat), "Join")["value"]![BotFrameworkSender.ButtonValueKey]!;
        var invoke = chat.Activity("invoke", "Carol");
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new { action = new { type = "Action.Execute", verb = "press", data = new Dictionary<string, string> { [BotFrameworkSender.ButtonValueKey] = token } } };

        using var response = await chat.PostAsync(invoke);
        await chat.DrainAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int?)body["statusCode"]);
        Assert.Equal("You joined #1.", (string?)body["value"]);
        Assert.Contains("Carol", LastCard(chat).CardText);
    }

    [Fact]
    public async Task Emulator_mode_serves_a_loopback_caller_without_a_token_and_sends_none()
    {
        await using var chat = await BotFrameworkConversation.StartAsync(emulator: true);
        var added = chat.BotAdded("Alice");
        added["channelId"] = "emulator";

        using var response = await chat.PostAsync(added, token: null);
        await chat.DrainAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var greeting = Assert.Single(chat.Fake.Calls);
        Assert.Contains("Hi Alice", (string?)greeting.Body["text"]);
        Assert.Equal("", greeting.Authorization);
        Assert.Equal(0, chat.Fake.TokenRequests);
    }

    /// <summary>
    /// A caller that is not loopback cannot be produced on this machine's test network, so the decision is tested on the
    /// request as Kestrel would describe it; a proxied loopback request is refused too.
    /// </summary>
    [Theory]
    [InlineData("127.0.0.1", null, true)]
    [InlineData("::1", null, true)]
    [InlineData("::ffff:127.0.0.1", null, true)]
    [InlineData("203.0.113.7", null, false)]
    [InlineData("10.0.0.2", null, false)]
    [InlineData("127.0.0.1", "203.0.113.7", false)]
    public void Emulator_mode_admits_only_loopback_callers_that_came_through_no_proxy(string remote, string? forwardedFor, bool admitted)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        Assert.Equal(admitted, BotFrameworkAuthenticator.EmulatorMayCall(context));
    }

    [Fact]
    public async Task Emulator_mode_refuses_a_proxied_request_over_the_real_endpoint()
    {
        await using var chat = await BotFrameworkConversation.StartAsync(emulator: true);
        chat.Client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await chat.PostAsync(chat.BotAdded("Alice"), token: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(chat.Fake.Calls);
    }
}
