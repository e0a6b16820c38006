namespace GroupPay.BotHost.Storage;

/// <summary>
/// Every dedupe key of the store, as a Bloom filter: "no" is exact (the update is new, no read needed), "maybe" is
/// checked in the database. Sized at start for twice the keys then stored (at least a million); past that the share
/// of needless reads grows, and the answers stay right.
/// </summary>
internal sealed class KeyFilter
{
    private const int Hashes = 6;
    private readonly long[] bits;
    private readonly ulong mask;

    public KeyFilter(long expectedKeys)
    {
        var wanted = Math.Max(1L << 24, expectedKeys * 2 * 10);
        var size = 1L << 6;
        while (size < wanted)
        {
            size <<= 1;
        }

        bits = new long[size >> 6];
        mask = (ulong)size - 1;
    }

    /// <summary>Only under the store's lock (readers may look at the same time).</summary>
    public void Add(string key)
    {
        var (h1, h2) = Hash(key);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + (ulong)i * h2) & mask;
            Interlocked.Or(ref bits[bit >> 6], 1L << (int)(bit & 63));
        }
    }

    public bool MightContain(string key)
    {
        var (h1, h2) = Hash(key);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + (ulong)i * h2) & mask;
            if ((Volatile.Read(ref bits[bit >> 6]) & (1L << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Two independent 64-bit hashes (FNV-1a and a multiply-rotate mix); h2 is odd so the probes spread.</summary>
    private static (ulong, ulong) Hash(string key)
    {
        var h1 = 14695981039346656037UL;
        var h2 = 0x9E3779B97F4A7C15UL;
        foreach (var c in key)
        {
            h1 = (h1 ^ c) * 1099511628211UL;
            h2 = ulong.RotateLeft((h2 ^ c) * 0xBF58476D1CE4E5B9UL, 31);
        }

        return (h1, h2 | 1);
    }
}
