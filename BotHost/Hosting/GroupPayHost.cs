using GroupPay.BotHost.Admin;
using GroupPay.BotHost.Payments;
using GroupPay.BotHost.Storage;
using GroupPay.BotHost.Telegram;
using GroupPay.Channels.Abstractions;
using GroupPay.Channels.BotFramework;
using GroupPay.Channels.Discord;
using GroupPay.Channels.Playground;
using GroupPay.Channels.Telegram;
using GroupPay.Payments.Providers;
using GroupPay.Dialogs.Engine;
using Microsoft.Extensions.Options;

namespace GroupPay.BotHost.Hosting;

/// <summary>Composition of the host: one extension per concern, and <see cref="AddGroupPay"/> and <see cref="MapGroupPay"/> as the table of contents.</summary>
public static class GroupPayHost
{
    /// <summary>
    /// The host's builder. Settings are read at start only: a watcher on the content root would also see every write of
    /// the LiteDB file under data/ and wake for each (about a tenth of the host's CPU under load);
    /// "--hostBuilder:reloadConfigOnChange=true" turns it back on. The slim builder leaves out what a bot host does not
    /// use (IIS, HTTP/3, regex route constraints, hosting startup assemblies): fewer assemblies loaded and compiled.
    /// HTTPS endpoints from configuration ("Kestrel:Endpoints") still work.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        builder.WebHost.UseKestrelHttpsConfiguration();
        return builder;
    }

    /// <summary>Every service of the host: options, storage, the engine, payments, then the channels.</summary>
    public static WebApplicationBuilder AddGroupPay(this WebApplicationBuilder builder)
    {
        builder.AddGroupPayOptions();
        builder.AddGroupPayStorage();
        builder.AddGroupPayEngine();
        builder.AddSandboxPayments();
        builder.AddPaymentProviders();
        builder.AddBotFramework();
        builder.AddDiscord();
        builder.AddTelegram();
        builder.AddPlayground();
        return builder;
    }

    /// <summary>Every endpoint of the host.</summary>
    public static WebApplication MapGroupPay(this WebApplication app)
    {
        app.MapOperations();
        app.MapPayments();
        app.MapAdminApi();
        app.MapBotFramework();
        app.MapDiscord();
        app.MapTelegram();
        app.MapPlayground();
        return app;
    }

    public static WebApplicationBuilder AddGroupPayOptions(this WebApplicationBuilder builder)
    {
        AddRepositoryDefaults(builder.Configuration);
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PaymentsOptions>().Bind(builder.Configuration.GetSection(PaymentsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.Section));
        builder.Services.AddOptions<TelegramOptions>().Bind(builder.Configuration.GetSection(TelegramOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<BotFrameworkOptions>().Bind(builder.Configuration.GetSection(BotFrameworkOptions.Section));
        builder.Services.AddOptions<StripeOptions>().Bind(builder.Configuration.GetSection(StripeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        Secrets.CheckConfigured(builder.Environment, builder.Configuration);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Metrics>();
        return builder;
    }

    /// <summary>
    /// The documented defaults live in the repository's root appsettings.json, linked into the build output. They are
    /// loaded from there, ahead of every other source, so environment variables and user-secrets still override them.
    /// </summary>
    private static void AddRepositoryDefaults(ConfigurationManager configuration)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var first = sources.Select((source, index) => (source, index))
            .FirstOrDefault(s => s.source is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource).index;
        var defaults = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = path, Optional = true, ReloadOnChange = false };
        defaults.ResolveFileProvider();
        sources.Insert(first, defaults);
    }

    /// <summary>The folder of the LiteDB file: generated secrets are kept beside the data.</summary>
    public static string DataFolder(IConfiguration configuration)
    {
        var path = configuration[$"{StorageOptions.Section}:LiteDb:Path"] ?? "data/grouppay.db";
        return Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
    }

    /// <summary>
    /// LiteDB for one process (the default), PostgreSQL for several hosts sharing one database. The PostgreSQL schema is
    /// brought up to date when the store is first resolved, that is while the host starts.
    /// </summary>
    public static WebApplicationBuilder AddGroupPayStorage(this WebApplicationBuilder builder)
    {
        var provider = builder.Configuration[$"{StorageOptions.Section}:Provider"] ?? "LiteDb";
        if (provider == "Postgres")
        {
            builder.Services.AddSingleton<PostgresStore>(services =>
            {
                var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
                if (string.IsNullOrWhiteSpace(options.Postgres.ConnectionString))
                {
                    throw new InvalidOperationException("Storage:Provider is Postgres but 'Storage:Postgres:ConnectionString' is not set.");
                }

                return PostgresStore.OpenAsync(options.Postgres.ConnectionString, options.Postgres.ClaimLease).GetAwaiter().GetResult();
            });
            builder.Services.AddSingleton<IGroupPayStore>(services => services.GetRequiredService<PostgresStore>());
            builder.Services.AddSingleton<IPaymentRecords, PostgresPaymentRecords>();
            builder.Services.AddSingleton<IBotFrameworkDirectory, PostgresBotFrameworkDirectory>();
            builder.Services.AddSingleton<ITelegramChannelState, PostgresTelegramState>();
            builder.Services.AddSingleton<IPlaygroundLog, PostgresPlaygroundLog>();
            return builder;
        }

        builder.Services.AddSingleton<LiteDbStore>(services =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new LiteDbStore(options.LiteDb.Path);
        });
        builder.Services.AddSingleton<IGroupPayStore>(services => services.GetRequiredService<LiteDbStore>());
        builder.Services.AddSingleton<IPaymentRecords>(services => new LitePaymentRecords(services.GetRequiredService<LiteDbStore>()));
        builder.Services.AddSingleton<IBotFrameworkDirectory, LiteDbBotFrameworkDirectory>();
        builder.Services.AddSingleton<ITelegramChannelState>(services => new LiteDbTelegramState(services.GetRequiredService<LiteDbStore>()));
        builder.Services.AddSingleton<IPlaygroundLog, LiteDbPlaygroundLog>();
        return builder;
    }

    public static WebApplicationBuilder AddGroupPayEngine(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(services =>
        {
            var payments = services.GetRequiredService<IOptions<PaymentsOptions>>().Value;
            var configuration = services.GetRequiredService<IConfiguration>();
            string? Missing(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? key : null;
            return new EngineOptions
            {
                PublicBaseUrl = payments.PublicBaseUrl,
                DefaultProvider = payments.Provider is { Length: > 0 } provider ? provider : development ? "sandbox" : "p2p",
                IsDevelopment = development,
                Providers = new Dictionary<string, string?>
                {
                    ["sandbox"] = null,
                    ["stripe"] = Missing("Stripe:SecretKey"),
                    ["telegram"] = Missing("Telegram:PaymentProviderToken"),
                    ["p2p"] = null,
                },
            };
        });
        builder.Services.AddSingleton<DialogEngine>();
        builder.Services.AddSingleton<Turns>();
        builder.Services.AddSingleton<ITurnHandler>(services => services.GetRequiredService<Turns>());
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddSingleton<IInlineOutbox>(services => services.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddHostedService<DueScheduler>();
        builder.Services.AddSingleton<DedupeRetention>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DedupeRetention>());
        return builder;
    }

    public static WebApplicationBuilder AddSandboxPayments(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{PaymentsOptions.Section}:Sandbox:WebhookSecret"];
        var secret = string.IsNullOrEmpty(configured)
            ? Secrets.LoadOrCreate(DataFolder(builder.Configuration), "sandbox-webhook-secret")
            : configured;
        builder.Services.AddSingleton(new SandboxSecret(secret));
        builder.Services.AddHttpClient(nameof(SandboxGateway), client => client.Timeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton<SandboxGateway>();
        return builder;
    }

    public static void MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (IGroupPayStore store, CancellationToken ct) =>
            await store.PingAsync(ct) ? Results.Text("ok") : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/metrics", (Metrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
    }
}
