using System.Security.Cryptography;
using System.Text;
using GroupPay.Payments.Draws;

namespace GroupPay.Tests.Payments;

public class FairDrawTests
{
    private static byte[] Seed(Random random)
    {
        var seed = new byte[32];
        random.NextBytes(seed);
        return seed;
    }

    /// <summary>Checks P5 on one packet: N−1 draws in [1, 2⌊M/N⌋ − 1], the last takes the rest, all add up.</summary>
    private static void AssertDoubleMean(long[] shares, long total)
    {
        long remaining = total;
        for (int i = 0; i < shares.Length - 1; i++)
        {
            int remainingCount = shares.Length - i;
            Assert.InRange(shares[i], 1, Math.Max(1, 2 * (remaining / remainingCount) - 1));
            remaining -= shares[i];
        }

        Assert.Equal(remaining, shares[^1]);
        Assert.True(shares[^1] >= 1);
        Assert.Equal(total, shares.Sum());
    }

    [Fact]
    public void A_new_seed_is_32_random_bytes()
    {
        var first = FairDraw.NewSeed();

        Assert.Equal(32, first.Length);
        Assert.NotEqual(first, FairDraw.NewSeed());
    }

    [Fact]
    public void The_commitment_is_the_lowercase_hex_sha256_of_the_seed_and_verifies()
    {
        var seed = FairDraw.NewSeed();

        string commitment = FairDraw.Commitment(seed);

        Assert.Equal(Convert.ToHexString(SHA256.HashData(seed)).ToLowerInvariant(), commitment);
        Assert.True(FairDraw.Verify(seed, commitment));
        Assert.True(FairDraw.Verify(seed, commitment.ToUpperInvariant()));
    }

    [Fact]
    public void Another_seed_or_a_malformed_commitment_does_not_verify()
    {
        var seed = FairDraw.NewSeed();
        string commitment = FairDraw.Commitment(seed);

        Assert.False(FairDraw.Verify(FairDraw.NewSeed(), commitment));
        Assert.False(FairDraw.Verify(seed, commitment[..^2]));
        Assert.False(FairDraw.Verify(seed, new string('z', 64)));
    }

    [Fact]
    public void Uniform_follows_the_published_derivation()
    {
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var mac = HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes("flow-9|3"));
        ulong value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(mac);

        // A range of 1000 only rejects the top 2^64 mod 1000 values, so the first attempt stands here.
        Assert.True(value <= ulong.MaxValue - (ulong.MaxValue % 1000 + 1) % 1000);
        Assert.Equal((long)(value % 1000), FairDraw.Uniform(seed, "flow-9", 3, 1000));
    }

    [Fact]
    public void Uniform_retries_with_the_attempt_number_when_the_value_is_rejected()
    {
        var random = new Random(3);
        long range = (long)(ulong.MaxValue / 3 + 1); // 2^64 mod range is about a third of 2^64
        ulong lastAccepted = ulong.MaxValue - (ulong.MaxValue % (ulong)range + 1) % (ulong)range;
        int retried = 0;
        for (int index = 0; index < 200; index++)
        {
            var seed = Seed(random);
            long expected = -1;
            for (int attempt = 0; expected < 0; attempt++)
            {
                string message = attempt == 0 ? $"flow-1|{index}" : $"flow-1|{index}|{attempt}";
                ulong value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(
                    HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes(message)));
                if (value <= lastAccepted)
                {
                    expected = (long)(value % (ulong)range);
                }
                else
                {
                    retried++;
                }
            }

            Assert.Equal(expected, FairDraw.Uniform(seed, "flow-1", index, range));
        }

        Assert.InRange(retried, 30, 150);
    }

    [Fact]
    public void P1_hundred_yuan_in_ten_first_draw_in_range_and_mean_ten_at_every_position()
    {
        var random = new Random(1);
        const int packets = 10_000;
        var sums = new long[10];
        for (int p = 0; p < packets; p++)
        {
            var shares = FairDraw.RedPacket(Seed(random), $"flow-{p}", 10_000, 10);
            Assert.InRange(shares[0], 1, 1999);
            for (int i = 0; i < 10; i++)
            {
                sums[i] += shares[i];
            }
        }

        Assert.All(sums, sum => Assert.InRange(sum / (double)packets, 950, 1050));
    }

    [Fact]
    public void P2_hundred_yuan_in_five_keeps_the_range_after_twenty_is_taken()
    {
        Assert.Equal(3999, FairDraw.DrawUpperBound(10_000, 5));
        Assert.Equal(3999, FairDraw.DrawUpperBound(8_000, 4));

        var random = new Random(2);
        for (int p = 0; p < 1000; p++)
        {
            Assert.InRange(FairDraw.RedPacket(Seed(random), "flow-2", 10_000, 5)[0], 1, 3999);
        }
    }

    [Fact]
    public void P3_fifty_yuan_in_thirty_first_draw_at_most_331()
    {
        Assert.Equal(331, FairDraw.DrawUpperBound(5_000, 30));

        var random = new Random(3);
        for (int p = 0; p < 1000; p++)
        {
            var shares = FairDraw.RedPacket(Seed(random), "flow-3", 5_000, 30);
            Assert.InRange(shares[0], 1, 331);
            AssertDoubleMean(shares, 5_000);
        }
    }

    [Fact]
    public void P4_ten_fen_in_ten_gives_everyone_exactly_one()
    {
        Assert.Equal(Enumerable.Repeat(1L, 10), FairDraw.RedPacket(FairDraw.NewSeed(), "flow-4", 10, 10));
    }

    [Fact]
    public void P5_random_packets_keep_every_double_mean_invariant()
    {
        var random = new Random(5);
        for (int p = 0; p < 10_000; p++)
        {
            int count = random.Next(1, 51);
            long total = random.Next(0, 4) switch
            {
                0 => count + random.Next(0, 3 * count),
                _ => random.NextInt64(count, 10_000_000),
            };

            var shares = FairDraw.RedPacket(Seed(random), $"flow-{p}", total, count);

            Assert.Equal(count, shares.Length);
            AssertDoubleMean(shares, total);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_packet_and_another_seed_another_one()
    {
        var seed = FairDraw.NewSeed();

        var first = FairDraw.RedPacket(seed, "flow-6", 100_000, 20);
        var again = FairDraw.RedPacket(seed.ToArray(), "flow-6", 100_000, 20);
        var other = FairDraw.RedPacket(FairDraw.NewSeed(), "flow-6", 100_000, 20);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 0)]
    [InlineData(4, 5)]
    public void A_packet_without_a_minor_unit_per_share_is_refused(long total, int count)
    {
        Assert.Throws<ArgumentException>(() => FairDraw.RedPacket(FairDraw.NewSeed(), "flow-7", total, count));
    }

    [Fact]
    public void The_winner_is_in_range_recomputable_and_roughly_uniform()
    {
        var random = new Random(8);
        var wins = new int[6];
        for (int draw = 0; draw < 6000; draw++)
        {
            var seed = Seed(random);
            int winner = FairDraw.PickWinner(seed, $"flow-{draw}", 6);
            Assert.InRange(winner, 0, 5);
            Assert.Equal(FairDraw.Uniform(seed, $"flow-{draw}|winner", 0, 6), winner);
            wins[winner]++;
        }

        Assert.All(wins, w => Assert.InRange(w, 800, 1200));
    }
}
