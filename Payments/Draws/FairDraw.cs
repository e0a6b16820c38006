using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GroupPay.Payments.Draws;

/// <summary>
/// Commit-reveal draws for red packets and raffles: every outcome is a function of a secret seed, whose SHA-256
/// is shown before anyone takes part and which is revealed afterwards.
/// </summary>
/// <remarks>
/// How to recompute a draw from the revealed seed:
/// <list type="number">
/// <item>Commitment: the lowercase hex of SHA-256(seed) must equal the one shown on the card.</item>
/// <item>
/// Uniform(flow, index, r), a whole number in [0, r): for attempt a = 0, 1, 2, …, compute
/// HMAC-SHA256 with the seed as key over the UTF-8 text "{flow}|{index}" for a = 0 and "{flow}|{index}|{a}"
/// after that (numbers in plain decimal). Read its first 8 bytes as an unsigned big-endian number v. Let
/// m = 2^64 mod r. If v &lt; 2^64 − m, the result is v mod r; otherwise go on to the next attempt.
/// </item>
/// <item>
/// Red packet of T minor units in N shares: with M = T still left and K = N shares still to give, the share of grab
/// i = 0, 1, …, N − 2 is 1 + Uniform(flow, i, U) with U = max(1, 2 × floor(M / K) − 1), so it lies in [1, U];
/// then M and K go down by that share and by one. The last grab (i = N − 1) gets all that is left, M.
/// </item>
/// <item>Raffle among P participants in join order: the winner is number Uniform(flow + "|winner", 0, P), counted from 0.</item>
/// </list>
/// </remarks>
public static class FairDraw
{
    private const int SeedBytes = 32;

    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedBytes);

    /// <summary>Lowercase hex of SHA-256(seed).</summary>
    public static string Commitment(byte[] seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return Convert.ToHexStringLower(SHA256.HashData(seed));
    }

    /// <summary>True when <paramref name="commitment"/> (hex, either case) is SHA-256 of <paramref name="seed"/>.</summary>
    public static bool Verify(byte[] seed, string commitment)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(commitment);
        if (commitment.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        byte[] expected;
        try
        {
            expected = Convert.FromHexString(commitment);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(seed), expected);
    }

    /// <summary>A whole number in [0, <paramref name="rangeExclusive"/>) derived from the seed; see the class remarks.</summary>
    public static long Uniform(byte[] seed, string flowId, int index, long rangeExclusive)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(flowId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rangeExclusive);

        ulong range = (ulong)rangeExclusive;
        ulong partialBlock = (ulong.MaxValue % range + 1) % range;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        for (int attempt = 0; ; attempt++)
        {
            string message = attempt == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{flowId}|{index}")
                : string.Create(CultureInfo.InvariantCulture, $"{flowId}|{index}|{attempt}");
            HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes(message), mac);
            ulong value = BinaryPrimitives.ReadUInt64BigEndian(mac);
            // Values in the top partial block (the last 2^64 mod range values) would favour small results.
            if (value <= ulong.MaxValue - partialBlock)
            {
                return (long)(value % range);
            }
        }
    }

    /// <summary>
    /// The largest share a grab (other than the last) may take when <paramref name="remaining"/> minor units are left for
    /// <paramref name="remainingCount"/> grabs (at least two): 2 × floor(remaining / remainingCount) − 1, at least 1.
    /// </summary>
    public static long DrawUpperBound(long remaining, int remainingCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(remainingCount);
        return Math.Max(1, 2 * (remaining / remainingCount) - 1);
    }

    /// <summary>
    /// All shares of a red packet by the double-mean method, in grab order; see the class remarks.
    /// Every share is at least one minor unit and they add up to <paramref name="totalMinor"/>.
    /// </summary>
    public static long[] RedPacket(byte[] seed, string flowId, long totalMinor, int count)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(flowId);
        if (count < 1 || totalMinor < count)
        {
            throw new ArgumentException(
                $"A red packet needs at least one share and at least one minor unit per share (total {totalMinor}, count {count}).");
        }

        var shares = new long[count];
        long remaining = totalMinor;
        for (int i = 0; i < count - 1; i++)
        {
            long upper = DrawUpperBound(remaining, count - i);
            shares[i] = 1 + Uniform(seed, flowId, i, upper);
            remaining -= shares[i];
        }

        shares[count - 1] = remaining;
        return shares;
    }

    /// <summary>The winner's position in join order, Uniform(flowId + "|winner", 0, participantCount).</summary>
    public static int PickWinner(byte[] seed, string flowId, int participantCount)
    {
        ArgumentNullException.ThrowIfNull(flowId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(participantCount);
        return (int)Uniform(seed, flowId + "|winner", 0, participantCount);
    }
}
