using GroupPay.Channels.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GroupPay.Channels.Discord;

/// <summary>Composition of the Discord channel. It is on when <c>Discord:PublicKey</c> is set.</summary>
public static class DiscordHosting
{
    public static WebApplicationBuilder AddDiscord(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(DiscordOptions.Section);
        builder.Services.AddOptions<DiscordOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        if (!(section.Get<DiscordOptions>() ?? new DiscordOptions()).Enabled)
        {
            return builder;
        }

        builder.Services.AddHttpClient(DiscordRestClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(20))
            .RemoveAllLoggers();
        builder.Services.AddSingleton<DiscordRestClient>();
        builder.Services.AddSingleton<DiscordSender>();
        builder.Services.AddSingleton<IChannelSender>(services => services.GetRequiredService<DiscordSender>());
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<DiscordOptions>>().Value;
            return new DiscordSignature(options.PublicKey, services.GetRequiredService<TimeProvider>(), options.TimestampTolerance);
        });
        builder.Services.AddSingleton<DiscordInteractions>();
        builder.Services.AddHostedService<DiscordCommandRegistrar>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDiscord(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<DiscordOptions>>().Value.Enabled)
        {
            app.MapPost(DiscordInteractions.Path, (HttpContext http, DiscordInteractions interactions) => interactions.HandleAsync(http));
        }

        return app;
    }
}
