using System.Globalization;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace GroupPay.Channels.Discord;

/// <summary>
/// Checks Discord's request signature: Ed25519 by the application's public key over the UTF-8 bytes of
/// <c>X-Signature-Timestamp</c> followed by the raw body, and a timestamp within the tolerance of the clock.
/// </summary>
public sealed class DiscordSignature
{
    public const string SignatureHeader = "X-Signature-Ed25519";
    public const string TimestampHeader = "X-Signature-Timestamp";

    private readonly Ed25519PublicKeyParameters? publicKey;
    private readonly TimeProvider time;
    private readonly TimeSpan tolerance;

    public DiscordSignature(string? publicKeyHex, TimeProvider time, TimeSpan tolerance)
    {
        this.time = time;
        this.tolerance = tolerance;
        if (TryHex(publicKeyHex, 32, out var key))
        {
            publicKey = new Ed25519PublicKeyParameters(key, 0);
        }
    }

    public bool IsValid(string? signatureHex, string? timestamp, ReadOnlySpan<byte> body)
    {
        if (publicKey is null || string.IsNullOrEmpty(timestamp) || timestamp.Length > 20
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !TryHex(signatureHex, 64, out var signature))
        {
            return false;
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (age.Duration() > tolerance)
        {
            return false;
        }

        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        var message = new byte[timestampBytes.Length + body.Length];
        timestampBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(timestampBytes.Length));
        return Verify(publicKey, message, signature);
    }

    /// <summary>Plain Ed25519 verification (RFC 8032); the keys and signature are raw bytes.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        publicKey.Length == 32 && signature.Length == 64
        && Verify(new Ed25519PublicKeyParameters(publicKey.ToArray(), 0), message.ToArray(), signature.ToArray());

    private static bool Verify(Ed25519PublicKeyParameters key, byte[] message, byte[] signature)
    {
        var verifier = new Ed25519Signer();
        verifier.Init(false, key);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    private static bool TryHex(string? hex, int bytes, out byte[] value)
    {
        value = [];
        if (hex is null || hex.Length != bytes * 2)
        {
            return false;
        }

        try
        {
            value = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
