using GroupPay.Channels.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupPay.Channels.BotFramework;

public static class BotFrameworkHosting
{
    /// <summary>The Bot Framework channel; the host registers its <see cref="IBotFrameworkDirectory"/> with its storage.</summary>
    public static WebApplicationBuilder AddBotFramework(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BotFrameworkOptions>>().Value);
        services.AddSingleton(sp => new BotFrameworkSigningKeys(
            NewHttpClient(), sp.GetRequiredService<BotFrameworkOptions>().EffectiveOpenIdMetadataUrl, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<BotFrameworkAuthenticator>();
        services.AddSingleton(sp => new ConnectorClient(
            NewHttpClient(), sp.GetRequiredService<BotFrameworkOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConnectorClient>>()));
        services.AddSingleton<BotFrameworkSender>();
        services.AddSingleton<IChannelSender>(sp => sp.GetRequiredService<BotFrameworkSender>());
        services.AddSingleton<BotFrameworkAdapter>();
        return builder;
    }

    public static void MapBotFramework(this WebApplication app)
    {
        if (app.Services.GetRequiredService<BotFrameworkOptions>().EmulatorMode)
        {
            app.Logger.LogWarning(
                "BotFramework:AppId is not set: {Path} runs in Emulator mode, checks no token and serves loopback callers only", BotFrameworkAdapter.Path);
        }

        app.MapPost(BotFrameworkAdapter.Path, (HttpContext http, BotFrameworkAdapter adapter, CancellationToken ct) => adapter.HandleAsync(http, ct));
    }

    private static HttpClient NewHttpClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
}
