using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupPay.BotHost.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GroupPay.IntegrationTests.BotFramework;

/// <summary>
/// A Teams group chat as the Connector delivers it: the real host on loopback, the fake Bot Framework beside it, and
/// helpers that post Activities to <c>/api/messages</c> with a freshly minted token and wait for the outbox to drain.
/// </summary>
public sealed class BotFrameworkConversation : IAsyncDisposable
{
    public const string ConversationId = "19:grp-dinner@thread.v2";
    public const string ChatKey = "botframework:" + ConversationId;
    public const string BotId = "28:" + FakeBotFramework.AppId;
    public const string BotName = "GroupPay";

    private int nextId;

    private BotFrameworkConversation(FakeBotFramework fake, TestHost host)
    {
        Fake = fake;
        Host = host;
        Client = host.Client(followRedirects: false);
    }

    public FakeBotFramework Fake { get; }
    public TestHost Host { get; }
    public HttpClient Client { get; }

    public static async Task<BotFrameworkConversation> StartAsync(bool emulator = false)
    {
        var fake = await FakeBotFramework.StartAsync();
        var host = emulator
            ? TestHost.Start()
            : TestHost.Start(extra:
            [
                ("BotFramework:AppId", FakeBotFramework.AppId),
                ("BotFramework:AppPassword", FakeBotFramework.AppPassword),
                ("BotFramework:OpenIdMetadataUrl", fake.MetadataUrl),
                ("BotFramework:TokenEndpoint", fake.TokenUrl),
            ]);
        return new BotFrameworkConversation(fake, host);
    }

    public static object Account(string name) => new { id = $"29:{name.ToLowerInvariant()}", name, aadObjectId = Guid.NewGuid().ToString() };

    public static object Mention(string name) => new { type = "mention", text = $"<at>{name}</at>", mentioned = name == BotName ? new { id = BotId, name } : Account(name) };

    public Dictionary<string, object?> Activity(string type, string from, string? id = null) => new()
    {
        ["type"] = type,
        ["id"] = id ?? $"act-{Interlocked.Increment(ref nextId)}",
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["channelId"] = "msteams",
        ["serviceUrl"] = Fake.ServiceUrl,
        ["from"] = Account(from),
        ["conversation"] = new { id = ConversationId, isGroup = true, conversationType = "groupChat", tenantId = "tenant-1" },
        ["recipient"] = new { id = BotId, name = BotName },
        ["locale"] = "en-US",
    };

    /// <summary>A Teams message: the bot is mentioned first, then each <c>@Name</c> in the text becomes a mention entity.</summary>
    public Dictionary<string, object?> Message(string from, string text, string? id = null)
    {
        var names = text.Split(' ').Where(w => w.StartsWith('@')).Select(w => w[1..]).ToList();
        var activity = Activity("message", from, id);
        activity["text"] = $"<at>{BotName}</at> " + string.Join(' ', text.Split(' ').Select(w => w.StartsWith('@') ? $"<at>{w[1..]}</at>" : w));
        activity["textFormat"] = "plain";
        activity["entities"] = names.Prepend(BotName).Select(Mention).Append(new { type = "clientInfo", locale = "en-US" }).ToList();
        return activity;
    }

    /// <summary>A press on a hero card's messageBack button: the button's text, and its value carrying our token.</summary>
    public Dictionary<string, object?> Press(string from, JsonNode button, string? id = null)
    {
        Assert.Equal("messageBack", (string?)button["type"]);
        var activity = Activity("message", from, id);
        activity["text"] = (string?)button["text"];
        activity["value"] = button["value"]!.DeepClone();
        return activity;
    }

    public Dictionary<string, object?> BotAdded(string installer, string? id = null)
    {
        var activity = Activity("conversationUpdate", installer, id);
        activity["membersAdded"] = new object[] { new { id = BotId } };
        return activity;
    }

    public Task<HttpResponseMessage> PostAsync(object activity) => PostAsync(activity, Fake.Token());

    public async Task<HttpResponseMessage> PostAsync(object activity, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(activity), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Posts, expects 200, and waits until every effect the turn committed has reached the Connector.</summary>
    public async Task SendAsync(object activity)
    {
        using var response = await PostAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await DrainAsync();
    }

    public Task DrainAsync() => Host.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    /// <summary>Pays a pay link through the host's sandbox checkout, as the debtor would in the browser.</summary>
    public async Task PayAsync(string payUrl)
    {
        var path = new Uri(payUrl).AbsolutePath;
        Assert.Contains("Sandbox", await Client.GetStringAsync(path));
        using var pay = await Client.PostAsync(path + "/sandbox", new FormUrlEncodedContent([new KeyValuePair<string, string>("action", "pay")]));
        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        await DrainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
