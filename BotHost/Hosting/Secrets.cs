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
