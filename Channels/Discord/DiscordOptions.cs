using System.ComponentModel.DataAnnotations;

namespace GroupPay.Channels.Discord;

/// <summary>The <c>Discord</c> section. The channel is on when <see cref="PublicKey"/> is set.</summary>
public sealed class DiscordOptions
{
    public const string Section = "Discord";
    public const string DefaultApiBaseUrl = "https://discord.com/api/v10";

    public string? ApplicationId { get; set; }

    /// <summary>The application's Ed25519 public key, 64 hex digits, from the Developer Portal.</summary>
    [RegularExpression("^([0-9a-fA-F]{64})?$", ErrorMessage = "Discord:PublicKey must be the application's public key: 64 hex digits.")]
    public string? PublicKey { get; set; }

    public string? BotToken { get; set; }
    public string? ApiBaseUrl { get; set; }

    /// <summary>When set, slash commands are registered in this guild only (they appear at once; global ones can take a while).</summary>
    public string? GuildId { get; set; }

    /// <summary>How long an interaction waits for its chat's outbox before it answers deferred (Discord wants an answer within 3 s).</summary>
    public TimeSpan InlineWait { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Accepted distance between <c>X-Signature-Timestamp</c> and the host's clock.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(PublicKey);

    public string BaseUrl => string.IsNullOrWhiteSpace(ApiBaseUrl) ? DefaultApiBaseUrl : ApiBaseUrl.TrimEnd('/');
}
