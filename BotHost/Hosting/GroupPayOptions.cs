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
        /// <summary>How long a host's claim on a due flow or a chat's outbox lasts if it stops renewing it (crashes).</summary>
        public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(60);
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
    /// <summary>The payment provider token from @BotFather; enables the <c>telegram</c> provider (invoices in the chat). A secret.</summary>
    public string? PaymentProviderToken { get; set; }
}

public sealed class StripeOptions
{
    public const string Section = "Stripe";
    public string? SecretKey { get; set; }
    /// <summary>The webhook endpoint's signing secret; two separated by a comma while one is rolled.</summary>
    public string? WebhookSecret { get; set; }
    public string? ApiBase { get; set; }
    /// <summary>How long a Checkout Session stays payable (Stripe allows 30 minutes to 24 hours).</summary>
    [Range(typeof(TimeSpan), "00:30:00", "1.00:00:00", ErrorMessage = "Stripe:SessionLifetime must be between 00:30:00 and 1.00:00:00.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>A session still open or processing this long after it was created is polled, in case its webhook was lost.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>How often the poller looks.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(2);
}
