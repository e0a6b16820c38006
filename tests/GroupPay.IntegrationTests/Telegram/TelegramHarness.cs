using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Telegram;
using Microsoft.Extensions.DependencyInjection;

namespace GroupPay.IntegrationTests.Telegram;

public sealed record TgUser(long Id, string FirstName, string? Username = null, string? LastName = null)
{
    public JsonObject Json()
    {
        var user = new JsonObject { ["id"] = Id, ["is_bot"] = false, ["first_name"] = FirstName };
        if (LastName is not null)
        {
            user["last_name"] = LastName;
        }

        if (Username is not null)
        {
            user["username"] = Username;
        }

        return user;
    }
}

/// <summary>The real host pointed at a <see cref="FakeBotApi"/>, in Polling or Webhook mode, with updates in the shapes Telegram sends.</summary>
public sealed class TelegramHarness : IAsyncDisposable
{
    public const string WebhookSecret = "it-webhook-secret_0123456789-abc";
    public const long Group = -1002352533321;

    public static readonly TgUser Alice = new(111, "Alice", "alice", "Liddell");
    public static readonly TgUser Bob = new(222, "Bob", "bob");
    public static readonly TgUser Carol = new(333, "Carol", "carol");
    public static readonly TgUser Dave = new(444, "Dave");
    public static readonly TgUser Erin = new(555, "Erin", "erin");
    public static readonly TgUser Frank = new(666, "Frank", "frank");

    private static int nextUpdateId = 700_000_000;
    private static int nextMessageId = 1;

    private TelegramHarness(FakeBotApi fake, TestHost host, string mode)
    {
        Fake = fake;
        Host = host;
        Mode = mode;
    }

    public FakeBotApi Fake { get; }
    public TestHost Host { get; }
    public string Mode { get; }

    public static async Task<TelegramHarness> StartAsync(string mode, Action<FakeBotApi>? configure = null, params (string Key, string? Value)[] extra)
    {
        var fake = await FakeBotApi.StartAsync();
        fake.GroupWindow = TimeSpan.FromSeconds(2);
        configure?.Invoke(fake);
        (string, string?)[] settings =
        [
            ("Telegram:Token", FakeBotApi.Token),
            ("Telegram:ApiBaseUrl", fake.BaseUrl + "/ignored/path"),
            ("Telegram:Mode", mode),
            ("Telegram:WebhookSecret", WebhookSecret),
            ("Telegram:Limits:LongPollSeconds", "1"),
            ("Telegram:Limits:ChatInterval", "00:00:00.020"),
            ("Telegram:Limits:GroupWindow", "00:00:02"),
            .. extra,
        ];
        var host = TestHost.Start(extra: settings);
        var harness = new TelegramHarness(fake, host, mode);
        await harness.WaitForAsync(() => fake.Calls.Any(c => c.Method is "setWebhook" or "getUpdates" or "deleteWebhook"));
        return harness;
    }

    /// <summary>Delivers updates the way the mode does (polling: queued and confirmed; webhook: POSTed with the secret), then waits for the outbox.</summary>
    public async Task SendAsync(params string[] updates)
    {
        if (Mode == "Polling")
        {
            await Fake.DeliverByPollingAsync(updates);
        }
        else
        {
            foreach (var update in updates)
            {
                using var response = await PostWebhookAsync(update, WebhookSecret);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        await DrainAsync();
    }

    public async Task<HttpResponseMessage> PostWebhookAsync(string update, string? secret)
    {
        using var client = Host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, TelegramHosting.WebhookPath)
        {
            Content = new StringContent(update, Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add(TelegramHosting.SecretHeader, secret);
        }

        var response = await client.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            Fake.RunWebhookReply(await response.Content.ReadAsStringAsync());
        }

        return response;
    }

    public Task DrainAsync() => Host.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    /// <summary>Opens a pay link and pays it in the sandbox checkout, as the debtor's browser would.</summary>
    public async Task PayInSandboxAsync(string payUrl)
    {
        using var client = Host.Client();
        var path = new Uri(payUrl).AbsolutePath;
        using var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Sandbox checkout", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var paid = await client.PostAsync(path + "/sandbox", new FormUrlEncodedContent([KeyValuePair.Create("action", "pay")]));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        await DrainAsync();
    }

    public async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    // ---- update fixtures, in the shapes of reference/channels.md §A.3 --------------------------------------------

    public static int NextUpdateId() => Interlocked.Increment(ref nextUpdateId);

    /// <summary>A group message; a leading command gets its bot_command entity, as Telegram sends it.</summary>
    public static string Text(long chatId, TgUser from, string text, int? updateId = null, params JsonObject[] entities)
    {
        var allEntities = new JsonArray();
        if (text.StartsWith('/'))
        {
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            allEntities.Add(new JsonObject { ["offset"] = 0, ["length"] = end < 0 ? text.Length : end, ["type"] = "bot_command" });
        }

        foreach (var entity in entities)
        {
            allEntities.Add(entity);
        }

        var message = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref nextMessageId),
            ["from"] = from.Json(),
            ["chat"] = Chat(chatId),
            ["date"] = 1737280500,
            ["text"] = text,
        };
        if (allEntities.Count > 0)
        {
            message["entities"] = allEntities;
        }

        return new JsonObject { ["update_id"] = updateId ?? NextUpdateId(), ["message"] = message }.ToJsonString();
    }

    public static JsonObject TextMention(string text, string within, TgUser user) => new()
    {
        ["offset"] = within.IndexOf(text, StringComparison.Ordinal), ["length"] = text.Length, ["type"] = "text_mention", ["user"] = user.Json(),
    };

    public static string Press(long chatId, TgUser from, int messageId, string data, int? updateId = null) => new JsonObject
    {
        ["update_id"] = updateId ?? NextUpdateId(),
        ["callback_query"] = new JsonObject
        {
            ["id"] = $"cb{Guid.NewGuid():N}",
            ["from"] = from.Json(),
            ["message"] = new JsonObject
            {
                ["message_id"] = messageId,
                ["date"] = 1737280510,
                ["from"] = new JsonObject { ["id"] = FakeBotApi.BotId, ["is_bot"] = true, ["first_name"] = "GroupPay", ["username"] = FakeBotApi.BotUsername },
                ["chat"] = Chat(chatId),
                ["text"] = "card",
            },
            ["chat_instance"] = "-8431254102376517",
            ["data"] = data,
        },
    }.ToJsonString();

    public static string BotMembership(long chatId, TgUser by, string oldStatus, string newStatus) => new JsonObject
    {
        ["update_id"] = NextUpdateId(),
        ["my_chat_member"] = new JsonObject
        {
            ["chat"] = Chat(chatId),
            ["from"] = by.Json(),
            ["date"] = 1737277649,
            ["old_chat_member"] = new JsonObject { ["user"] = BotUser(), ["status"] = oldStatus },
            ["new_chat_member"] = new JsonObject { ["user"] = BotUser(), ["status"] = newStatus },
        },
    }.ToJsonString();

    public static string Migration(long fromChatId, long toChatId, TgUser by) => new JsonObject
    {
        ["update_id"] = NextUpdateId(),
        ["message"] = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref nextMessageId),
            ["from"] = by.Json(),
            ["chat"] = new JsonObject { ["id"] = fromChatId, ["title"] = "Flatmates", ["type"] = "group" },
            ["date"] = 1737280600,
            ["migrate_to_chat_id"] = toChatId,
        },
    }.ToJsonString();

    /// <summary>A <c>pre_checkout_query</c>, as in payments.md §2.3.</summary>
    public static string PreCheckout(TgUser from, string payload, string currency, long totalAmount, string? queryId = null) => new JsonObject
    {
        ["update_id"] = NextUpdateId(),
        ["pre_checkout_query"] = new JsonObject
        {
            ["id"] = queryId ?? $"pcq{Guid.NewGuid():N}",
            ["from"] = from.Json(),
            ["currency"] = currency,
            ["total_amount"] = totalAmount,
            ["invoice_payload"] = payload,
        },
    }.ToJsonString();

    /// <summary>The service message Telegram sends once an invoice is paid, as in payments.md §2.3.</summary>
    public static string SuccessfulPayment(
        long chatId, TgUser from, string payload, string currency, long totalAmount, string telegramChargeId, string providerChargeId, int? updateId = null) => new JsonObject
    {
        ["update_id"] = updateId ?? NextUpdateId(),
        ["message"] = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref nextMessageId),
            ["from"] = from.Json(),
            ["chat"] = Chat(chatId),
            ["date"] = 1737280700,
            ["successful_payment"] = new JsonObject
            {
                ["currency"] = currency,
                ["total_amount"] = totalAmount,
                ["invoice_payload"] = payload,
                ["telegram_payment_charge_id"] = telegramChargeId,
                ["provider_payment_charge_id"] = providerChargeId,
            },
        },
    }.ToJsonString();

    private static JsonObject Chat(long chatId) => chatId < 0
        ? new JsonObject { ["id"] = chatId, ["title"] = "Uncouth", ["type"] = "supergroup" }
        : new JsonObject { ["id"] = chatId, ["first_name"] = "Private", ["type"] = "private" };

    private static JsonObject BotUser() => new() { ["id"] = FakeBotApi.BotId, ["is_bot"] = true, ["first_name"] = "GroupPay", ["username"] = FakeBotApi.BotUsername };

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
