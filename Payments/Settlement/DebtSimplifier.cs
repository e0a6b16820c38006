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
    /// <remarks>
    /// best(set) is the most disjoint zero-sum groups a set of members holds (what is left over need not sum to zero):
    /// the largest of best(set without one member), plus one if the set sums to zero. The sets with best ≥ t are
    /// kept as one bit per set, a level per t: level t is every set that contains a zero-sum set Z, where Z in turn
    /// contains a set of level t − 1 with at least one member to spare. A level is built from the one before with a few
    /// passes over 2^n bits, 64 sets per step, so the search costs about 2·n·2^n/64 steps per group found instead of
    /// n·2^n. The walk back from the whole set then reads best() of at most n² sets.
    /// </remarks>
    private static List<int[]> ZeroSumGroups(long[] balances)
    {
        int n = balances.Length;
        var groups = new List<int[]>();
        if (n == 0)
        {
            return groups;
        }

        using var zeroSum = new SubsetBits(n);
        if (MarkZeroSumSubsets(balances, zeroSum) == 2)
        {
            // The common case: only nobody and everyone sum to zero, so everyone is one group (what the search below
            // finds too), known after 2 × 2^(n/2) sums.
            groups.Add(AllIndices(n));
            return groups;
        }

        var levels = new List<SubsetBits>();
        using var spare = new SubsetBits(n);
        try
        {
            // Level 0 is every set; the sets of it with a member to spare are all but the empty one.
            spare.SetAll();
            spare.Clear(0);
            while (true)
            {
                var level = new SubsetBits(n);
                level.AssignAnd(zeroSum, spare);
                if (level.IsEmpty)
                {
                    level.Dispose();
                    break;
                }

                level.CloseUpwards();
                levels.Add(level);
                spare.AssignOneMore(level);
            }

            int Best(int mask)
            {
                int best = 0;
                while (best < levels.Count && levels[best][mask])
                {
                    best++;
                }

                return best;
            }

            // Walk back from the full set: the zero-sum sets met on the way are nested, their differences are the groups.
            int full = (1 << n) - 1;
            int walk = full;
            int lastZeroSum = full;
            while (walk != 0)
            {
                int target = zeroSum[walk] ? Best(walk) - 1 : Best(walk);
                int bit = walk & -walk;
                while (Best(walk & ~bit) != target)
                {
                    int higher = walk & ~((bit << 1) - 1);
                    bit = higher & -higher;
                }

                walk &= ~bit;
                if (zeroSum[walk])
                {
                    groups.Add(Indices(lastZeroSum & ~walk));
                    lastZeroSum = walk;
                }
            }
        }
        finally
        {
            levels.ForEach(level => level.Dispose());
        }

        groups.Sort((a, b) => a[0].CompareTo(b[0]));
        return groups;
    }

    /// <summary>
    /// Marks every set of members whose balances sum to zero, the empty set included, and returns how many there are (at
    /// least two: nobody, and everyone, as the balances sum to zero). A set is a lower half's part and an upper half's part
    /// whose sums cancel: the lower parts' sums (2^(n/2) of them) are sorted once, and each upper part looks its opposite
    /// up.
    /// </summary>
    private static int MarkZeroSumSubsets(long[] balances, SubsetBits marks)
    {
        int lowBits = balances.Length / 2;
        var low = SubsetSums(balances.AsSpan(0, lowBits));
        var high = SubsetSums(balances.AsSpan(lowBits));
        var lowPart = new int[low.Length];
        for (int i = 0; i < lowPart.Length; i++)
        {
            lowPart[i] = i;
        }

        Array.Sort(low, lowPart);
        int count = 0;
        for (int upper = 0; upper < high.Length; upper++)
        {
            int at = Array.BinarySearch(low, -high[upper]);
            if (at < 0)
            {
                continue;
            }

            while (at > 0 && low[at - 1] == low[at])
            {
                at--;
            }

            for (; at < low.Length && low[at] == -high[upper]; at++)
            {
                marks.Set(lowPart[at] | (upper << lowBits));
                count++;
            }
        }

        return count;
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

    /// <summary>One bit for each set of n members (bit <c>mask</c> for the set <c>mask</c>), in words rented from the shared pool.</summary>
    private sealed class SubsetBits : IDisposable
    {
        // For member i < 6 (a set and the same set with i differ inside one word): the bits of the sets without i.
        private static readonly ulong[] WithoutMember =
        [
            0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF, 0x00000000FFFFFFFF,
        ];

        private readonly int members;
        private readonly int length;
        private readonly ulong[] words;

        public SubsetBits(int members)
        {
            this.members = members;
            length = Math.Max(1, (1 << members) >> 6);
            words = ArrayPool<ulong>.Shared.Rent(length);
            Array.Clear(words, 0, length);
        }

        public bool this[int mask] => (words[mask >> 6] & (1UL << (mask & 63))) != 0;

        public bool IsEmpty => !words.AsSpan(0, length).ContainsAnyExcept(0UL);

        public void Set(int mask) => words[mask >> 6] |= 1UL << (mask & 63);

        public void Clear(int mask) => words[mask >> 6] &= ~(1UL << (mask & 63));

        public void SetAll()
        {
            words.AsSpan(0, length).Fill(ulong.MaxValue);
            if (members < 6)
            {
                words[0] = (1UL << (1 << members)) - 1;
            }
        }

        public void AssignAnd(SubsetBits a, SubsetBits b)
        {
            for (int w = 0; w < length; w++)
            {
                words[w] = a.words[w] & b.words[w];
            }
        }

        /// <summary>Adds every set that contains a marked set: for each member, a set with it is marked if the set without it is.</summary>
        public void CloseUpwards()
        {
            for (int member = 0; member < members; member++)
            {
                OrFromSetsWithout(member, words, words);
            }
        }

        /// <summary>Marks exactly the sets that are a set of <paramref name="source"/> plus one more member.</summary>
        public void AssignOneMore(SubsetBits source)
        {
            Array.Clear(words, 0, length);
            for (int member = 0; member < members; member++)
            {
                OrFromSetsWithout(member, source.words, words);
            }
        }

        /// <summary>For every set with <paramref name="member"/>: target[set] |= source[set without member].</summary>
        private void OrFromSetsWithout(int member, ulong[] source, ulong[] target)
        {
            if (member < 6)
            {
                var shift = 1 << member;
                var without = WithoutMember[member];
                for (int w = 0; w < length; w++)
                {
                    target[w] |= (source[w] & without) << shift;
                }

                return;
            }

            var step = 1 << (member - 6);
            for (int start = step; start < length; start += step << 1)
            {
                var from = source.AsSpan(start - step, step);
                var to = target.AsSpan(start, step);
                for (int w = 0; w < step; w++)
                {
                    to[w] |= from[w];
                }
            }
        }

        public void Dispose() => ArrayPool<ulong>.Shared.Return(words);
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
