using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Storage;
using GroupPay.Channels.Abstractions;
using GroupPay.Channels.Telegram;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.Telegram;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Serialization;
using Telegram.Bot.Types;

namespace GroupPay.BotHost.Telegram;

/// <summary>
/// The Telegram channel in the host: the client, the sender, the update handler, polling or the webhook, and Telegram
/// invoices as a payment provider when <c>Telegram:PaymentProviderToken</c> is set.
/// </summary>
public static class TelegramHosting
{
    public const string WebhookPath = "/api/telegram/webhook";
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    private const int MaxUpdateBytes = 1024 * 1024;

    public static WebApplicationBuilder AddTelegram(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelegramOptions.Section).Get<TelegramOptions>() ?? new TelegramOptions();
        if (string.IsNullOrWhiteSpace(options.Token) || options.Mode == "Off")
        {
            return builder;
        }

        var limits = builder.Configuration.GetSection(TelegramLimits.Section).Get<TelegramLimits>() ?? new TelegramLimits();
        var client = CreateClient(options, limits);
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton<ITelegramBotClient>(client);
        builder.Services.AddSingleton<TelegramBotIdentity>();
        builder.Services.AddSingleton<TelegramChats>();
        builder.Services.AddSingleton(services => new TelegramRateLimiter(limits, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<TelegramAdmins>();
        builder.Services.AddSingleton(services =>
        {
            var sender = ActivatorUtilities.CreateInstance<TelegramSender>(services);
            sender.Throttled += services.GetRequiredService<Metrics>().OutboundThrottled;
            return sender;
        });
        builder.Services.AddSingleton<IChannelSender>(services => services.GetRequiredService<TelegramSender>());
        builder.Services.AddSingleton(new TelegramInvoiceSettings(options.PaymentProviderToken));
        builder.Services.AddSingleton(services =>
            ActivatorUtilities.CreateInstance<TelegramInvoices>(services, new TurnRunner(services.GetRequiredService<Turns>().HandleAsync)));
        if (!string.IsNullOrWhiteSpace(options.PaymentProviderToken))
        {
            builder.Services.AddSingleton<IPaymentProvider>(services =>
                new TelegramInvoiceProvider(services.GetRequiredService<TelegramInvoices>(), services.GetRequiredService<TimeProvider>()));
        }

        builder.Services.AddSingleton(services =>
        {
            var turns = services.GetRequiredService<Turns>();
            return ActivatorUtilities.CreateInstance<TelegramUpdateHandler>(services, new TurnRunner(turns.HandleAsync));
        });

        if (options.Mode == "Webhook")
        {
            var secret = string.IsNullOrEmpty(options.WebhookSecret)
                ? Secrets.LoadOrCreate(GroupPayHost.DataFolder(builder.Configuration), "telegram-webhook-secret")
                : options.WebhookSecret;
            builder.Services.AddSingleton(new TelegramWebhookSecret(secret));
            builder.Services.AddHostedService(services => new TelegramWebhookRegistration(
                services.GetRequiredService<ITelegramBotClient>(), services.GetRequiredService<TelegramBotIdentity>(),
                WebhookUrl(options, services.GetRequiredService<IOptions<PaymentsOptions>>().Value), secret,
                services.GetRequiredService<ILogger<TelegramWebhookRegistration>>()));
        }
        else
        {
            builder.Services.AddHostedService<TelegramPolling>();
        }

        return builder;
    }

    public static void MapTelegram(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<TelegramWebhookSecret>() is null)
        {
            return;
        }

        app.MapPost(WebhookPath, ReceiveAsync);
    }

    /// <summary>
    /// The secret header is checked before the body is read; the update's turn commits before the answer, so a 200 means
    /// its effects are kept, and a failure lets Telegram deliver it again (the update id makes that a no-op once done).
    /// </summary>
    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, TelegramWebhookSecret secret, TelegramUpdateHandler handler, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!secret.Matches(request.Headers[SecretHeader].ToString()))
        {
            return Results.Unauthorized();
        }

        if (request.ContentLength > MaxUpdateBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(request.Body, JsonBotAPI.Options, ct);
        }
        catch (JsonException)
        {
            loggers.CreateLogger("GroupPay.Telegram.Webhook").LogWarning("A webhook request carried no readable update");
            return Results.BadRequest();
        }

        if (update is null)
        {
            return Results.BadRequest();
        }

        // A button press is answered in the reply's body: Telegram runs the method named there (the Bot API's
        // "making requests when getting updates"), so the press costs no request of its own.
        if (await handler.HandleAsync(update, ct, answerInReply: true) is { } answer)
        {
            var reply = new Dictionary<string, string> { ["method"] = "answerCallbackQuery", ["callback_query_id"] = answer.CallbackQueryId };
            if (answer.Text is not null)
            {
                reply["text"] = answer.Text;
            }

            return Results.Json(reply);
        }

        return Results.Ok();
    }

    private static TelegramBotClient CreateClient(TelegramOptions options, TelegramLimits limits)
    {
        TelegramBotClientOptions clientOptions;
        try
        {
            clientOptions = new TelegramBotClientOptions(options.Token!, string.IsNullOrWhiteSpace(options.ApiBaseUrl) ? null : options.ApiBaseUrl)
            {
                // 429s are the sender's business (it waits retry_after per chat); the library must not sleep on them.
                RetryThreshold = 0,
                RetryCount = 1,
            };
        }
        catch (ArgumentException)
        {
            throw new InvalidOperationException("Telegram:Token is not a bot token; it looks like 123456789:ABC-DEF… (ask @BotFather).");
        }

        // A plain client on purpose: the factory's logging handlers would write request URLs, and those carry the token.
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = limits.RequestTimeout ?? TimeSpan.FromSeconds(limits.LongPollSeconds + 30),
        };
        return new TelegramBotClient(clientOptions, http);
    }

    private static string WebhookUrl(TelegramOptions options, PaymentsOptions payments) =>
        string.IsNullOrWhiteSpace(options.WebhookUrl) ? payments.PublicBaseUrl.TrimEnd('/') + WebhookPath : options.WebhookUrl;
}

/// <summary>The webhook's shared secret, compared in constant time.</summary>
public sealed class TelegramWebhookSecret(string value)
{
    private readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(value));

    public bool Matches(string? presented) =>
        !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}

