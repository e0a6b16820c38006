using System.ComponentModel.DataAnnotations;

namespace GroupPay.BotHost.Hosting;

public sealed class StorageOptions
{
    public const string Section = "Storage";
    [RegularExpression("^(LiteDb|Postgres)$", ErrorMessage = "Storage:Provider must be LiteDb or Postgres.")]
    public string Provider { get; set; } = "LiteDb";
    public LiteDbSettings LiteDb { get; set; } = new();
    public PostgresSettings Postgres { get; set; } = new();

    public sealed class LiteDbSettings
    {
        [Required]
        public string Path { get; set; } = "data/grouppay.db";
    }

    public sealed class PostgresSettings
    {
        public string? ConnectionString { get; set; }
    }
}

public sealed class PaymentsOptions
{
    public const string Section = "Payments";
    /// <summary>sandbox in Development, p2p elsewhere, unless set.</summary>
    public string? Provider { get; set; }
    [Required]
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
    public SandboxSettings Sandbox { get; set; } = new();

    public sealed class SandboxSettings
    {
        /// <summary>HMAC key of the sandbox's webhook signatures; generated and kept in the data folder when unset.</summary>
        public string? WebhookSecret { get; set; }
        /// <summary>Where the sandbox gateway posts its events; by default the host's own webhook endpoint.</summary>
        public string? WebhookUrl { get; set; }
        /// <summary>How long "simulate delay" waits before the event is sent.</summary>
        public TimeSpan SimulatedDelay { get; set; } = TimeSpan.FromSeconds(3);
    }
}

public sealed class AdminOptions
{
    public const string Section = "Admin";
    /// <summary>Enables the admin API; without it every admin route answers 404.</summary>
    public string? ApiKey { get; set; }
}

public sealed class TelegramOptions
{
    public const string Section = "Telegram";
    public string? Token { get; set; }
    public string? ApiBaseUrl { get; set; }
    [RegularExpression("^(Polling|Webhook|Off)$", ErrorMessage = "Telegram:Mode must be Polling, Webhook or Off.")]
    public string Mode { get; set; } = "Polling";
    public string? WebhookUrl { get; set; }
    public string? WebhookSecret { get; set; }
}

public sealed class DiscordOptions
{
    public const string Section = "Discord";
    public string? ApplicationId { get; set; }
    public string? PublicKey { get; set; }
    public string? BotToken { get; set; }
    public string? ApiBaseUrl { get; set; }
}

public sealed class BotFrameworkOptions
{
    public const string Section = "BotFramework";
    public string? AppId { get; set; }
    public string? AppPassword { get; set; }
    public string? TenantId { get; set; }
    public string? OpenIdMetadataUrl { get; set; }
    public string? TokenEndpoint { get; set; }
}

public sealed class StripeOptions
{
    public const string Section = "Stripe";
    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
    public string? ApiBase { get; set; }
}
