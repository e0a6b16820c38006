using GroupPay.Payments.Allocation;

namespace GroupPay.Tests.Payments;

public class AllocatorTests
{
    private static ShareRequest W(string member, long weight = 1) => new(member, ShareKind.Weight, weight);

    private static ShareRequest X(string member, long minor) => new(member, ShareKind.Exact, minor);

    private static ShareRequest P(string member, long basisPoints) => new(member, ShareKind.Percent, basisPoints);

    private static long[] Minors(long total, string flowId, params ShareRequest[] requests)
    {
        var result = Allocator.Allocate(total, requests, flowId);
        Assert.True(result.Success, result.Error?.ToString());
        Assert.Equal(requests.Select(r => r.Member), result.Shares.Select(s => s.Member));
        return result.Shares.Select(s => s.Minor).ToArray();
    }

    private static AllocationError Error(long total, params ShareRequest[] requests)
    {
        var result = Allocator.Allocate(total, requests, "flow-1");
        Assert.False(result.Success);
        return result.Error;
    }

    [Fact]
    public void Hundred_cents_among_three_gives_one_of_them_34()
    {
        var minors = Minors(100, "flow-1", W("alice"), W("bob"), W("carol"));

        Assert.Equal(new long[] { 33, 33, 34 }, minors.Order());
    }

    [Fact]
    public void The_extra_cent_does_not_always_go_to_the_same_person()
    {
        var receivers = Enumerable.Range(1, 30)
            .Select(flow => Array.IndexOf(Minors(100, $"flow-{flow}", W("alice"), W("bob"), W("carol")), 34L))
            .ToHashSet();

        Assert.Equal(3, receivers.Count);
    }

    [Fact]
    public void The_same_flow_splits_the_same_way_whatever_order_the_participants_were_named_in()
    {
        var forward = Minors(100, "flow-7", W("alice"), W("bob"), W("carol"));
        var backward = Minors(100, "flow-7", W("carol"), W("bob"), W("alice"));

        Assert.Equal(forward, backward.Reverse());
    }

    [Fact]
    public void Weights_one_to_two_of_100_give_33_and_67()
    {
        Assert.Equal(new long[] { 33, 67 }, Minors(100, "flow-1", W("alice"), W("bob", 2)));
    }

    [Fact]
    public void Eight_hundred_among_three_gives_267_267_266()
    {
        Assert.Equal(new long[] { 266, 267, 267 }, Minors(800, "flow-1", W("a"), W("b"), W("c")).Order());
    }

    [Fact]
    public void Thirty_dollars_five_among_ten_gives_five_300_and_five_301()
    {
        var members = Enumerable.Range(0, 10).Select(i => W($"m{i}")).ToArray();

        var minors = Minors(3005, "flow-1", members);

        Assert.Equal(5, minors.Count(m => m == 300));
        Assert.Equal(5, minors.Count(m => m == 301));
    }

    [Fact]
    public void A_zero_weight_leaves_the_member_out_with_a_zero_share()
    {
        Assert.Equal(new long[] { 0, 50, 50 }, Minors(100, "flow-1", W("me", 0), W("bob"), W("carol")));
    }

    [Fact]
    public void Exact_amounts_are_taken_first_and_the_rest_is_split_by_weight()
    {
        // @bob=30 of 100 EUR, carol and dave share the other 70.
        Assert.Equal(new long[] { 3000, 3500, 3500 }, Minors(10000, "flow-1", X("bob", 3000), W("carol"), W("dave")));
    }

    [Fact]
    public void Exact_amounts_that_cover_the_total_are_kept_as_they_are()
    {
        Assert.Equal(new long[] { 333, 333, 334 }, Minors(1000, "flow-1", X("a", 333), X("b", 333), X("c", 334)));
    }

    [Fact]
    public void Percentages_of_a_third_each_add_up_exactly()
    {
        var minors = Minors(100, "flow-1", P("a", 3333), P("b", 3333), P("c", 3334));

        Assert.Equal(100, minors.Sum());
        Assert.All(minors, m => Assert.InRange(m, 33, 34));
    }

    [Fact]
    public void Percentages_are_of_the_total_and_weights_share_what_is_left()
    {
        // 25% of 100.00 is 25.00; 10.00 exact; 65.00 left for bob and carol at 1:2.
        var minors = Minors(10000, "flow-1", P("alice", 2500), X("dave", 1000), W("bob"), W("carol", 2));

        Assert.Equal(new long[] { 2500, 1000, 2167, 4333 }, minors);
    }

    [Fact]
    public void Fractional_percentages_and_weights_stay_within_one_minor_unit_of_their_exact_value()
    {
        // 12.5% of 1.01 is 0.12625; the 0.88375 left is split three ways (0.294583…).
        var minors = Minors(101, "flow-3", P("alice", 1250), W("bob"), W("carol"), W("dave"));

        Assert.Equal(101, minors.Sum());
        Assert.InRange(minors[0], 12, 13);
        Assert.All(minors[1..], m => Assert.InRange(m, 29, 30));
    }

    [Fact]
    public void Exact_and_percentages_without_weights_absorb_a_rounding_residue()
    {
        // 70% of 33.33 is 23.331 and 10.00 is exact: 0.1 of a cent too much, within rounding.
        var minors = Minors(3333, "flow-1", X("bob", 1000), P("carol", 7000));

        Assert.Equal(new long[] { 1000, 2333 }, minors);
    }

    [Fact]
    public void A_percentage_next_to_zero_weights_takes_the_rest()
    {
        Assert.Equal(new long[] { 0, 3000, 7000 }, Minors(10000, "flow-1", W("me", 0), X("bob", 3000), P("carol", 7000)));
    }

    [Fact]
    public void Random_weights_always_add_up_and_stay_within_one_minor_unit()
    {
        var random = new Random(20240601);
        for (int run = 0; run < 2000; run++)
        {
            long total = random.NextInt64(1, 1_000_000_001);
            int count = random.Next(1, 31);
            var weights = Enumerable.Range(0, count).Select(_ => (long)random.Next(0, 11)).ToArray();
            if (weights.All(w => w == 0))
            {
                weights[random.Next(count)] = random.Next(1, 11);
            }

            var requests = weights.Select((w, i) => W($"member{i}", w)).ToArray();
            string flowId = $"flow-{run}";

            var result = Allocator.Allocate(total, requests, flowId);

            Assert.True(result.Success);
            var minors = result.Shares.Select(s => s.Minor).ToArray();
            Assert.Equal(total, minors.Sum());
            Int128 weightSum = weights.Sum();
            for (int i = 0; i < count; i++)
            {
                Int128 deviation = Int128.Abs(minors[i] * weightSum - (Int128)total * weights[i]);
                Assert.True(deviation < weightSum, $"run {run}: share {minors[i]} of {total} at weight {weights[i]}/{weightSum}");
            }

            Assert.Equal(minors, Allocator.Allocate(total, requests, flowId).Shares!.Select(s => s.Minor));
        }
    }

    [Fact]
    public void No_participants_is_refused()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.NoParticipants, 0), Error(100));
    }

    [Fact]
    public void A_member_named_twice_is_refused()
    {
        Assert.Equal(AllocationErrorKind.DuplicateMember, Error(100, W("bob"), X("bob", 10)).Kind);
    }

    [Fact]
    public void A_negative_value_is_refused()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.NegativeValue, -2), Error(100, W("bob", -2), W("carol")));
    }

    [Fact]
    public void Exact_amounts_above_the_total_are_refused_with_the_excess()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.ExactExceedsTotal, 20), Error(100, X("bob", 70), X("carol", 50), W("dave")));
    }

    [Fact]
    public void Exact_amounts_and_percentages_above_the_total_are_refused_with_the_excess()
    {
        // 60.00 exact plus 50% of 100.00 is 10.00 too much.
        Assert.Equal(new AllocationError(AllocationErrorKind.ExactExceedsTotal, 1000), Error(10000, X("bob", 6000), P("carol", 5000), W("dave")));
    }

    [Fact]
    public void Exact_amounts_for_everyone_that_miss_the_total_are_refused_with_the_signed_difference()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.ExactDoesNotMatchTotal, 10), Error(100, X("bob", 40), X("carol", 50)));
    }

    [Fact]
    public void Percentages_over_100_are_refused_with_the_excess_in_basis_points()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.PercentOver100, 500), Error(100, P("bob", 6000), P("carol", 4500), W("dave")));
    }

    [Fact]
    public void Percentages_for_everyone_that_miss_100_are_refused_with_the_difference_in_basis_points()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.PercentNot100, 1250), Error(100, P("bob", 5000), P("carol", 3750)));
    }

    [Fact]
    public void Weighted_participants_left_with_nothing_are_refused()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.NothingLeftToShare, 0), Error(10000, X("bob", 5000), P("carol", 5000), W("dave")));
    }

    [Fact]
    public void A_rest_with_only_zero_weights_to_take_it_is_refused_with_the_rest()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.NoOneToShareRest, 40), Error(100, X("bob", 60), W("me", 0)));
    }

    [Fact]
    public void A_rest_that_percentages_do_not_cover_is_refused_with_the_rest()
    {
        Assert.Equal(new AllocationError(AllocationErrorKind.NoOneToShareRest, 2000), Error(10000, X("bob", 3000), P("carol", 5000)));
    }
}
