namespace GroupPay.Tests.Conversations;

/// <summary>An admin can pick only a provider the host is set up for; the refusal names the missing setting.</summary>
public sealed class ProviderSettingTests
{
    [Fact]
    public async Task Stripe_without_its_key_is_refused_with_the_setting_to_fill_and_the_chat_keeps_its_provider()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob");
        chat.Options.Providers = new Dictionary<string, string?>
        {
            ["sandbox"] = null, ["stripe"] = "Stripe:SecretKey", ["telegram"] = "Telegram:PaymentProviderToken", ["p2p"] = null,
        };

        var result = await chat.SendAsync("Alice", "/settings provider stripe");

        Assert.True(result.Refused);
        Assert.Equal("stripe is not set up on this bot yet: its operator has to set Stripe:SecretKey first. Available here: sandbox, p2p.", chat.LastReply);
        Assert.Null((await chat.Store.LoadChatAsync(chat.ChatKey))!.Settings.Provider);

        await chat.SendAsync("Alice", "/settings provider p2p");
        Assert.Equal("p2p", (await chat.Store.LoadChatAsync(chat.ChatKey))!.Settings.Provider);
    }

    [Fact]
    public async Task A_configured_provider_is_accepted()
    {
        await using var chat = await Conversation.StartAsync("Alice", "Bob");

        await chat.SendAsync("Alice", "/settings provider stripe");

        Assert.Equal("stripe", (await chat.Store.LoadChatAsync(chat.ChatKey))!.Settings.Provider);
    }
}
