using System.Security.Cryptography;

namespace GroupPay.BotHost.Hosting;

/// <summary>Start-up checks of secrets: outside Development a missing or placeholder secret stops the host and names the key.</summary>
public static class Secrets
{
    private static readonly string[] Placeholders = ["changeme", "change-me", "secret", "your-secret", "todo", "xxx", "placeholder", "<secret>"];

    public static bool IsMissingOrPlaceholder(string? value) =>
        string.IsNullOrWhiteSpace(value) || Placeholders.Contains(value.Trim().ToLowerInvariant());

    public static void Require(IHostEnvironment environment, string key, string? value)
    {
        if (!environment.IsDevelopment() && IsMissingOrPlaceholder(value))
        {
            throw new InvalidOperationException($"Configuration key '{key}' is missing or a placeholder; set it (e.g. environment variable {key.Replace(":", "__", StringComparison.Ordinal)}) before starting outside Development.");
        }
    }

    /// <summary>
    /// Every secret that a configured channel or provider needs (SPEC §7): a channel is configured when its identifying
    /// key is set. Outside Development the first missing or placeholder secret stops the start, naming its key.
    /// </summary>
    public static void CheckConfigured(IHostEnvironment environment, IConfiguration configuration)
    {
        if (Configured(configuration, "Telegram:Token") && !string.Equals(configuration["Telegram:Mode"], "Off", StringComparison.OrdinalIgnoreCase))
        {
            Require(environment, "Telegram:Token", configuration["Telegram:Token"]);
            if (string.Equals(configuration["Telegram:Mode"], "Webhook", StringComparison.OrdinalIgnoreCase))
            {
                Require(environment, "Telegram:WebhookSecret", configuration["Telegram:WebhookSecret"]);
            }

            if (Configured(configuration, "Telegram:PaymentProviderToken"))
            {
                Require(environment, "Telegram:PaymentProviderToken", configuration["Telegram:PaymentProviderToken"]);
            }
        }

        if (string.Equals(configuration["Payments:Provider"], "telegram", StringComparison.OrdinalIgnoreCase))
        {
            Require(environment, "Telegram:Token", configuration["Telegram:Token"]);
            Require(environment, "Telegram:PaymentProviderToken", configuration["Telegram:PaymentProviderToken"]);
        }

        if (Configured(configuration, "Discord:ApplicationId"))
        {
            Require(environment, "Discord:PublicKey", configuration["Discord:PublicKey"]);
            Require(environment, "Discord:BotToken", configuration["Discord:BotToken"]);
        }

        if (Configured(configuration, "BotFramework:AppId"))
        {
            Require(environment, "BotFramework:AppPassword", configuration["BotFramework:AppPassword"]);
        }

        if (Configured(configuration, "Stripe:SecretKey"))
        {
            Require(environment, "Stripe:SecretKey", configuration["Stripe:SecretKey"]);
            Require(environment, "Stripe:WebhookSecret", configuration["Stripe:WebhookSecret"]);
        }

        if (Configured(configuration, "Admin:ApiKey"))
        {
            Require(environment, "Admin:ApiKey", configuration["Admin:ApiKey"]);
        }
    }

    private static bool Configured(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);

    /// <summary>Reads a generated secret from the data folder, creating it on first start.</summary>
    public static string LoadOrCreate(string folder, string fileName)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32)
            {
                return existing;
            }
        }

        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return secret;
    }
}
