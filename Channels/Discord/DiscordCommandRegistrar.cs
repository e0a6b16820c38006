using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupPay.Channels.Discord;

/// <summary>
/// Registers the slash commands at start: a bulk overwrite of the application's global commands, or of one guild's
/// when <c>Discord:GuildId</c> is set. A failure is logged and does not stop the host.
/// </summary>
public sealed class DiscordCommandRegistrar(DiscordRestClient rest, IOptions<DiscordOptions> options, ILogger<DiscordCommandRegistrar> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ApplicationId) || !rest.HasBotToken)
        {
            logger.LogWarning("Discord: slash commands are not registered; Discord:ApplicationId and Discord:BotToken are needed for that");
            return;
        }

        var (route, path) = string.IsNullOrWhiteSpace(settings.GuildId)
            ? ("PUT applications/{application}/commands", $"applications/{settings.ApplicationId}/commands")
            : ("PUT applications/{application}/guilds/{guild}/commands", $"applications/{settings.ApplicationId}/guilds/{settings.GuildId}/commands");
        try
        {
            await rest.SendAsync(HttpMethod.Put, route, path, DiscordCommands.Registration(), botAuth: true, stoppingToken);
            logger.LogInformation("Discord: {Count} slash commands registered ({Scope})", DiscordCommands.Names.Count,
                string.IsNullOrWhiteSpace(settings.GuildId) ? "global" : "guild");
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException)
        {
            logger.LogError(exception, "Discord: registering the slash commands failed");
        }
    }
}
