using GroupPay.Payments.Settlement;

namespace GroupPay.Tests.Payments;

public class DebtSimplifierTests
{
    private static Dictionary<string, long> Nets(params (string Member, long Net)[] nets) =>
        nets.ToDictionary(n => n.Member, n => n.Net);

    /// <summary>Plans, checks that the plan settles everyone with no empty transfer, and returns it.</summary>
    private static SettlementPlan SettledPlan(IReadOnlyDictionary<string, long> nets)
    {
        var plan = DebtSimplifier.Plan(nets);

        var left = new Dictionary<string, long>(nets);
        foreach (var transfer in plan.Transfers)
        {
            Assert.True(transfer.Minor > 0, $"empty transfer {transfer}");
            Assert.NotEqual(transfer.From, transfer.To);
            left[transfer.From] += transfer.Minor;
            left[transfer.To] -= transfer.Minor;
        }

        Assert.All(left, kv => Assert.Equal(0, kv.Value));
        return plan;
    }

    [Fact]
    public void D1_Anna_pays_Charlie_directly()
    {
        var plan = SettledPlan(Nets(("Anna", -20), ("Bob", 0), ("Charlie", 20)));

        Assert.Equal([new Transfer("Anna", "Charlie", 20)], plan.Transfers);
        Assert.True(plan.IsOptimal);
    }

    [Fact]
    public void D2_small_graph_needs_two_transfers()
    {
        var plan = SettledPlan(Nets(("0", -3000), ("1", -4000), ("2", 7000)));

        Assert.Equal([new Transfer("1", "2", 4000), new Transfer("0", "2", 3000)], plan.Transfers);
    }

    [Fact]
    public void D3_large_graph_needs_three_transfers()
    {
        var plan = SettledPlan(Nets(("Bob", 0), ("Charlie", 50), ("David", -10), ("Ema", 60), ("Fred", -60), ("Gabe", -40)));

        Assert.Equal(3, plan.Transfers.Count);
    }

    [Fact]
    public void D4_dense_graph_without_a_zero_sum_subgroup_needs_n_minus_one()
    {
        var plan = SettledPlan(Nets(("u1", -972833), ("u2", 1022409), ("u3", 946034), ("u4", -878410), ("u5", -124532), ("u6", 7332)));

        Assert.Equal(5, plan.Transfers.Count);
    }

    [Fact]
    public void D5_beats_greedy_with_three_transfers()
    {
        var plan = SettledPlan(Nets(("a", -3), ("b", -2), ("c", -2), ("d", 3), ("e", 4)));

        Assert.Equal(3, plan.Transfers.Count);
        Assert.Contains(new Transfer("a", "d", 3), plan.Transfers);
    }

    [Fact]
    public void D6_two_transfers()
    {
        // 0 gave 1 10; 2 gave 0 5.
        Assert.Equal(2, SettledPlan(Nets(("0", 5), ("1", -10), ("2", 5))).Transfers.Count);
    }

    [Fact]
    public void D7_one_transfer()
    {
        // 0 gave 1 10; 1 gave 0 1; 1 gave 2 5; 2 gave 0 5.
        var plan = SettledPlan(Nets(("0", 4), ("1", -4), ("2", 0)));

        Assert.Equal([new Transfer("1", "0", 4)], plan.Transfers);
    }

    [Fact]
    public void D8_C_pays_A()
    {
        Assert.Equal([new Transfer("C", "A", 10)], SettledPlan(Nets(("A", 10), ("B", 0), ("C", -10))).Transfers);
    }

    [Fact]
    public void D9_a_cycle_becomes_two_transfers_to_Charlie()
    {
        var plan = SettledPlan(Nets(("Alice", -10), ("Bob", -10), ("Charlie", 20)));

        Assert.Equal([new Transfer("Alice", "Charlie", 10), new Transfer("Bob", "Charlie", 10)], plan.Transfers);
    }

    [Fact]
    public void D10_C_pays_A_and_B_four_each()
    {
        var plan = SettledPlan(Nets(("A", 400), ("B", 400), ("C", -800)));

        Assert.Equal([new Transfer("C", "A", 400), new Transfer("C", "B", 400)], plan.Transfers);
    }

    [Fact]
    public void D11_three_borrowers_three_lenders_need_four_transfers()
    {
        var plan = SettledPlan(Nets(("1", -2), ("2", -3), ("3", -5), ("4", 3), ("5", 3), ("6", 4)));

        Assert.Equal(4, plan.Transfers.Count);
    }

    [Fact]
    public void The_same_balances_give_the_same_plan_whatever_the_dictionary_order()
    {
        var forward = DebtSimplifier.Plan(Nets(("a", -3), ("b", -2), ("c", -2), ("d", 3), ("e", 4)));
        var backward = DebtSimplifier.Plan(Nets(("e", 4), ("d", 3), ("c", -2), ("b", -2), ("a", -3)));

        Assert.Equal(forward.Transfers, backward.Transfers);
    }

    [Fact]
    public void No_balances_need_no_transfers()
    {
        var plan = SettledPlan(Nets(("a", 0), ("b", 0)));

        Assert.Empty(plan.Transfers);
        Assert.True(plan.IsOptimal);
    }

    [Fact]
    public void Balances_that_do_not_sum_to_zero_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DebtSimplifier.Plan(Nets(("a", -3), ("b", 2))));
    }

    [Fact]
    public void Random_balances_settle_in_the_brute_force_minimum()
    {
        var random = new Random(465);
        for (int run = 0; run < 300; run++)
        {
            int count = random.Next(2, 13);
            int spread = random.Next(2) == 0 ? 6 : 1000;
            var balances = new long[count];
            for (int i = 0; i < count - 1; i++)
            {
                balances[i] = random.Next(-spread, spread + 1);
            }

            balances[count - 1] = -balances.Sum();
            var nets = balances.Select((b, i) => ($"m{i:00}", b)).ToArray();

            var plan = SettledPlan(Nets(nets));

            Assert.True(plan.IsOptimal);
            Assert.Equal(BruteForceMinimum(balances.Where(b => b != 0).ToArray(), 0), plan.Transfers.Count);
        }
    }

    [Fact]
    public void Twenty_members_are_settled_exactly()
    {
        var random = new Random(20);
        var balances = Enumerable.Range(0, 19).Select(_ => (long)random.Next(-500, 501)).Where(b => b != 0).ToList();
        while (balances.Count < 19)
        {
            balances.Add(random.Next(1, 501));
        }

        if (balances.Sum() == 0)
        {
            balances[0] += 1;
        }

        balances.Add(-balances.Sum());
        var plan = SettledPlan(Nets(balances.Select((b, i) => ($"m{i:00}", b)).ToArray()));

        Assert.True(plan.IsOptimal);
        Assert.InRange(plan.Transfers.Count, 1, 19);
    }

    [Fact]
    public void Above_twenty_members_the_plan_is_greedy_and_says_so()
    {
        var random = new Random(25);
        var balances = Enumerable.Range(0, 24).Select(_ => (long)random.Next(1, 10_000) * (random.Next(2) == 0 ? 1 : -1)).ToList();
        balances.Add(-balances.Sum());
        Assert.DoesNotContain(0L, balances);

        var plan = SettledPlan(Nets(balances.Select((b, i) => ($"m{i:00}", b)).ToArray()));

        Assert.False(plan.IsOptimal);
        Assert.InRange(plan.Transfers.Count, 1, 24);
    }

    [Fact]
    public void Plans_are_those_of_the_plain_search_over_every_subset()
    {
        // The planner skips the search when no group short of everyone sums to zero, and stops each step of it early;
        // the plans must be exactly those of the plain search (same groups, so the same transfers).
        var random = new Random(2026);
        for (int run = 0; run < 400; run++)
        {
            int count = run < 360 ? random.Next(2, 15) : random.Next(15, 19);
            int spread = run % 3 == 0 ? 1_000_000 : run % 3 == 1 ? 50 : 4;
            var balances = new long[count];
            for (int i = 0; i < count - 1; i++)
            {
                balances[i] = random.Next(1, spread + 1) * (random.Next(2) == 0 ? 1 : -1);
            }

            balances[count - 1] = -balances.Sum();
            if (balances[count - 1] == 0)
            {
                continue;
            }

            var names = balances.Select((_, i) => $"m{i:00}").ToArray();
            var plan = DebtSimplifier.Plan(Nets([.. names.Zip(balances)]));

            var expected = PlainSearchGroups(balances).Select(group => group.Select(i => names[i]).ToHashSet()).ToList();
            var groupOf = plan.Transfers.Select(t => expected.FindIndex(g => g.Contains(t.From))).ToList();
            Assert.All(plan.Transfers.Zip(groupOf), tg => Assert.Contains(tg.First.To, expected[tg.Second]));
            Assert.Equal(balances.Length - expected.Count, plan.Transfers.Count);
            Assert.Equal(Enumerable.Range(0, expected.Count).ToList(), groupOf.Distinct().Order().ToList());
        }
    }

    /// <summary>
    /// The most disjoint zero-sum groups, by dynamic programming over every subset with the whole table of subset sums and
    /// no shortcut, walked back the way the planner walks back: the search the planner's shortcuts must agree with.
    /// </summary>
    private static List<int[]> PlainSearchGroups(long[] balances)
    {
        int n = balances.Length, full = (1 << n) - 1;
        var sums = new long[full + 1];
        var best = new int[full + 1];
        for (int mask = 1; mask <= full; mask++)
        {
            sums[mask] = sums[mask & (mask - 1)] + balances[System.Numerics.BitOperations.TrailingZeroCount(mask)];
            int most = 0;
            for (int i = 0; i < n; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    most = Math.Max(most, best[mask & ~(1 << i)]);
                }
            }

            best[mask] = sums[mask] == 0 ? most + 1 : most;
        }

        var groups = new List<int[]>();
        int walk = full, lastZeroSum = full;
        while (walk != 0)
        {
            int target = sums[walk] == 0 ? best[walk] - 1 : best[walk];
            int bit = Enumerable.Range(0, n).Select(i => 1 << i).First(b => (walk & b) != 0 && best[walk & ~b] == target);
            walk &= ~bit;
            if (sums[walk] == 0)
            {
                groups.Add([.. Enumerable.Range(0, n).Where(i => ((lastZeroSum & ~walk) & (1 << i)) != 0)]);
                lastZeroSum = walk;
            }
        }

        return groups;
    }

    /// <summary>
    /// The classic search (LeetCode 465): settle the first open balance against each later balance of the
    /// opposite sign in turn, and keep the cheapest. Independent of the zero-sum-group reasoning under test.
    /// </summary>
    private static int BruteForceMinimum(long[] balances, int start)
    {
        while (start < balances.Length && balances[start] == 0)
        {
            start++;
        }

        if (start == balances.Length)
        {
            return 0;
        }

        int best = int.MaxValue;
        var tried = new HashSet<long>();
        for (int i = start + 1; i < balances.Length; i++)
        {
            if (Math.Sign(balances[i]) * Math.Sign(balances[start]) >= 0 || !tried.Add(balances[i]))
            {
                continue;
            }

            balances[i] += balances[start];
            best = Math.Min(best, 1 + BruteForceMinimum(balances, start + 1));
            balances[i] -= balances[start];
        }

        return best;
    }
}
