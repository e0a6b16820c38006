using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GroupPay.Payments.Providers.Stripe;

/// <summary>
/// <c>Stripe-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=…][,v0=…]</c>, where v1 = hex(HMAC-SHA256(secret, "{t}.{raw body}")).
/// Any v1 may match any of our secrets (rotation on either side); compared in constant time; v0 is ignored; the
/// timestamp must be within the tolerance of our clock (payments.md §1.3). Independent of the API version, unlike
/// <c>EventUtility.ConstructEvent</c> (§1.4).
/// </summary>
public static class StripeSignature
{
    public const string Header = "Stripe-Signature";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    public static bool Verify(ReadOnlySpan<byte> rawBody, string? header, IEnumerable<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        string? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var item in header.Split(','))
        {
            var pair = item.Split('=', 2);
            if (pair.Length != 2)
            {
                return false;
            }

            switch (pair[0].Trim())
            {
                case "t":
                    timestamp = pair[1].Trim();
                    break;
                case "v1":
                    signatures.Add(Encoding.ASCII.GetBytes(pair[1].Trim()));
                    break;
            }
        }

        if (timestamp is null || signatures.Count == 0
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        var signed = SignedPayload(timestamp, rawBody);
        var matched = false;
        foreach (var secret in secrets)
        {
            var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
            foreach (var signature in signatures)
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
            }
        }

        return matched;
    }

    /// <summary>The header Stripe would send for this body at this time; for tests and the local fake.</summary>
    public static string Sign(ReadOnlySpan<byte> rawBody, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), SignedPayload(timestamp, rawBody)));
        return $"t={timestamp},v1={signature}";
    }

    /// <summary>Our secrets from configuration: one, or two separated by commas while an endpoint secret is rolled.</summary>
    public static IReadOnlyList<string> Secrets(string? configured) =>
        (configured ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static byte[] SignedPayload(string timestamp, ReadOnlySpan<byte> rawBody)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(message, 0);
        rawBody.CopyTo(message.AsSpan(prefix.Length));
        return message;
    }
}
