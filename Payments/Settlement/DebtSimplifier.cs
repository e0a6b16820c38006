using System.Buffers;

namespace GroupPay.Payments.Settlement;

/// <summary><see cref="From"/> pays <see cref="To"/> <see cref="Minor"/> minor units.</summary>
public sealed record Transfer(string From, string To, long Minor);

/// <summary>The transfers that settle a set of balances; <see cref="IsOptimal"/> is false when greedy was used.</summary>
public sealed record SettlementPlan(IReadOnlyList<Transfer> Transfers, bool IsOptimal);

/// <summary>
/// Nets balances into as few transfers as possible.
/// </summary>
/// <remarks>
/// A group of members whose balances add up to zero can settle among themselves in (size − 1) transfers, so the
/// minimum number of transfers is n − k, where k is the largest number of disjoint zero-sum groups covering the
/// n members with a non-zero balance. Up to <see cref="ExactLimit"/> such members, k is found exactly by dynamic
/// programming over subsets; each group is then settled by repeatedly letting its largest debtor pay its largest
/// creditor. Above the limit, that greedy step runs over everyone and the plan is marked not optimal. Members are
/// sorted ordinally first and ties go to the ordinally first member, so the same balances always give the same
/// plan.
/// </remarks>
public static class DebtSimplifier
{
    public const int ExactLimit = 20;

    /// <param name="nets">Member → net minor units: positive is owed money, negative owes. Must sum to zero.</param>
    public static SettlementPlan Plan(IReadOnlyDictionary<string, long> nets)
    {
        ArgumentNullException.ThrowIfNull(nets);

        var members = new List<string>(nets.Count);
        long magnitude = 0;
        Int128 sum = 0;
        foreach (var (member, net) in nets)
        {
            if (net == 0)
            {
                continue;
            }

            // Bounding Σ|net| by long keeps every subset sum below from overflowing.
            if (net == long.MinValue || long.MaxValue - magnitude < Math.Abs(net))
            {
                throw new ArgumentException("Balances are too large to settle.", nameof(nets));
            }

            magnitude += Math.Abs(net);
            sum += net;
            members.Add(member);
        }

        if (sum != 0)
        {
            throw new ArgumentException($"Balances must sum to zero, but they sum to {sum}.", nameof(nets));
        }

        members.Sort(StringComparer.Ordinal);
        var balances = new long[members.Count];
        for (int i = 0; i < balances.Length; i++)
        {
            balances[i] = nets[members[i]];
        }

        var transfers = new List<Transfer>();
        if (members.Count > ExactLimit)
        {
            SettleGreedily(members, balances, AllIndices(members.Count), transfers);
            return new SettlementPlan(transfers, IsOptimal: false);
        }

        foreach (var group in ZeroSumGroups(balances))
        {
            SettleGreedily(members, balances, group, transfers);
        }

        return new SettlementPlan(transfers, IsOptimal: true);
    }

    /// <summary>
    /// The largest set of disjoint zero-sum groups covering all indices, each group listed in ascending index
    /// order and the groups ordered by their first index.
    /// </summary>
    private static List<int[]> ZeroSumGroups(long[] balances)
    {
        int n = balances.Length;
        var groups = new List<int[]>();
        if (n == 0)
        {
            return groups;
        }

        // A subset's sum is the sum of its lower half's members plus that of its upper half's, each read from a table
        // of the half's subsets (2 × 2^(n/2) sums instead of 2^n).
        var sums = new HalfSums(balances);
        if (!sums.HasProperZeroSumSubset())
        {
            // The common case: no group smaller than everyone sums to zero, so everyone is one group (what the search
            // below finds too, in microseconds instead of 2^n steps).
            groups.Add(AllIndices(n));
            return groups;
        }

        int full = (1 << n) - 1;

        // best[mask] = most disjoint zero-sum groups mask splits into, counting a trailing group that does not sum to
        // zero as none: remove members one at a time, and each time the remaining set sums to zero a group closes.
        var best = ArrayPool<byte>.Shared.Rent(full + 1);
        try
        {
            best[0] = 0;
            for (int mask = 1; mask <= full; mask++)
            {
                // Taking one member out of a set costs at most one group (the one it was in), so every best[mask without
                // one member] is the largest of them or one less: once one member's is one more than the first's, no
                // other can beat it.
                int first = best[mask & (mask - 1)];
                int most = first;
                for (int rest = mask & (mask - 1); rest != 0; rest &= rest - 1)
                {
                    if (best[mask & ~(rest & -rest)] > first)
                    {
                        most = first + 1;
                        break;
                    }
                }

                best[mask] = (byte)(sums[mask] == 0 ? most + 1 : most);
            }

            // Walk back from the full set: the zero-sum sets met on the way are nested, their differences are the groups.
            int walk = full;
            int lastZeroSum = full;
            while (walk != 0)
            {
                int target = sums[walk] == 0 ? best[walk] - 1 : best[walk];
                int bit = walk & -walk;
                while (best[walk & ~bit] != target)
                {
                    int higher = walk & ~((bit << 1) - 1);
                    bit = higher & -higher;
                }

                walk &= ~bit;
                if (sums[walk] == 0)
                {
                    groups.Add(Indices(lastZeroSum & ~walk));
                    lastZeroSum = walk;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(best);
        }

        groups.Sort((a, b) => a[0].CompareTo(b[0]));
        return groups;
    }

    /// <summary>Sums of subsets of the balances, from the sums of their lower and upper halves' subsets.</summary>
    private readonly struct HalfSums
    {
        private readonly int lowBits;
        private readonly long[] low;
        private readonly long[] high;

        public HalfSums(long[] balances)
        {
            lowBits = balances.Length / 2;
            low = SubsetSums(balances.AsSpan(0, lowBits));
            high = SubsetSums(balances.AsSpan(lowBits));
        }

        public long this[int mask] => low[mask & ((1 << lowBits) - 1)] + high[mask >> lowBits];

        /// <summary>
        /// Whether some members, not none and not all, sum to zero. A subset is a pair (lower half's part, upper half's
        /// part) whose sums cancel; the empty set and the whole set (the balances sum to zero) are two such pairs.
        /// </summary>
        public bool HasProperZeroSumSubset()
        {
            var sortedHigh = (long[])high.Clone();
            Array.Sort(sortedHigh);
            var pairs = 0;
            foreach (var sum in low)
            {
                var at = Array.BinarySearch(sortedHigh, -sum);
                if (at < 0)
                {
                    continue;
                }

                // Count every upper part with that sum (BinarySearch finds one of them).
                var from = at;
                while (from > 0 && sortedHigh[from - 1] == -sum)
                {
                    from--;
                }

                var to = at;
                while (to + 1 < sortedHigh.Length && sortedHigh[to + 1] == -sum)
                {
                    to++;
                }

                pairs += to - from + 1;
                if (pairs > 2)
                {
                    return true;
                }
            }

            return false;
        }

        private static long[] SubsetSums(ReadOnlySpan<long> balances)
        {
            var sums = new long[1 << balances.Length];
            for (int mask = 1; mask < sums.Length; mask++)
            {
                sums[mask] = sums[mask & (mask - 1)] + balances[System.Numerics.BitOperations.TrailingZeroCount(mask)];
            }

            return sums;
        }
    }

    private static void SettleGreedily(List<string> members, long[] balances, int[] group, List<Transfer> transfers)
    {
        var left = new long[group.Length];
        for (int i = 0; i < group.Length; i++)
        {
            left[i] = balances[group[i]];
        }

        while (true)
        {
            int debtor = -1, creditor = -1;
            for (int i = 0; i < left.Length; i++)
            {
                if (left[i] < 0 && (debtor < 0 || left[i] < left[debtor]))
                {
                    debtor = i;
                }
                else if (left[i] > 0 && (creditor < 0 || left[i] > left[creditor]))
                {
                    creditor = i;
                }
            }

            if (debtor < 0 || creditor < 0)
            {
                return;
            }

            long amount = Math.Min(-left[debtor], left[creditor]);
            transfers.Add(new Transfer(members[group[debtor]], members[group[creditor]], amount));
            left[debtor] += amount;
            left[creditor] -= amount;
        }
    }

    private static int[] Indices(int mask)
    {
        var indices = new int[System.Numerics.BitOperations.PopCount((uint)mask)];
        for (int k = 0; mask != 0; k++, mask &= mask - 1)
        {
            indices[k] = System.Numerics.BitOperations.TrailingZeroCount(mask);
        }

        return indices;
    }

    private static int[] AllIndices(int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        return indices;
    }
}
