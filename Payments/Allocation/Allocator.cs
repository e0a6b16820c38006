using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace GroupPay.Payments.Allocation;

/// <summary>How a participant's part of a bill is stated.</summary>
public enum ShareKind
{
    /// <summary>An integer weight ≥ 0: a plain participant is 1, <c>@bob*2</c> is 2, <c>@me*0</c> is 0 (a zero share).</summary>
    Weight,

    /// <summary>A fixed amount in minor units: <c>@bob=30</c> in EUR is 3000.</summary>
    Exact,

    /// <summary>A percentage of the total in basis points: 25% is 2500, 12.5% is 1250.</summary>
    Percent,
}

public sealed record ShareRequest(string Member, ShareKind Kind, long Value);

public sealed record Share(string Member, long Minor);

public enum AllocationErrorKind
{
    /// <summary>No participant at all.</summary>
    NoParticipants,

    /// <summary>The same member is named twice (ordinal comparison).</summary>
    DuplicateMember,

    /// <summary>A weight, amount or percentage is below zero; the difference is the offending value.</summary>
    NegativeValue,

    /// <summary>
    /// Exact amounts, together with the percentage shares, exceed the total; the difference is the excess in
    /// minor units, rounded up.
    /// </summary>
    ExactExceedsTotal,

    /// <summary>Every participant has an exact amount and they do not add up; the difference is total − sum.</summary>
    ExactDoesNotMatchTotal,

    /// <summary>Percentages add up to more than 100%; the difference is the excess in basis points.</summary>
    PercentOver100,

    /// <summary>Every participant has a percentage and they do not add up to 100%; the difference is 10000 − sum in basis points.</summary>
    PercentNot100,

    /// <summary>Exact amounts and percentages use the whole total, so the weighted participants would get nothing.</summary>
    NothingLeftToShare,

    /// <summary>
    /// Something is left after exact amounts and percentages, but nobody has a weight above zero to take it; the
    /// difference is what is left in minor units, rounded down.
    /// </summary>
    NoOneToShareRest,
}

public sealed record AllocationError(AllocationErrorKind Kind, long DifferenceMinor);

public sealed record AllocationResult(IReadOnlyList<Share>? Shares, AllocationError? Error)
{
    [MemberNotNullWhen(true, nameof(Shares))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Shares is not null;
}

/// <summary>
/// Splits a total in minor units among participants with the largest-remainder method.
/// </summary>
/// <remarks>
/// <para>
/// Exact amounts are taken as stated. A percentage share is worth total × bp / 10000. What is left,
/// rest = total − exact amounts − percentage shares, is divided among weighted participants in proportion to
/// their weights. Every percentage and weighted participant first receives the whole minor units of that exact
/// value; the units still missing from the total (fewer than the number of those participants) then go one
/// each to the participants with the largest fractional remainder. Every share is therefore within one minor
/// unit of its exact value, and the shares always add up to the total. A participant with weight 0 gets 0.
/// </para>
/// <para>
/// Rotation rule for equal remainders: the participants who can receive an extra unit are sorted by member id
/// (ordinal); start = (first 8 bytes of SHA-256(UTF-8 flow id), read big-endian) mod their count; equal
/// remainders are served in that sorted order beginning at position start and wrapping around. The same flow
/// therefore always splits the same way whatever order the participants were typed in, and different flows
/// favour different people.
/// </para>
/// <para>
/// When nobody has a weight above zero, the percentages must cover what the exact amounts leave to within less
/// than one minor unit either way; that residue is absorbed by the same largest-remainder step.
/// </para>
/// </remarks>
public static class Allocator
{
    private const long FullPercent = 10_000;

    public static AllocationResult Allocate(long totalMinor, IReadOnlyList<ShareRequest> requests, string flowId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalMinor);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(flowId);

        if (requests.Count == 0)
        {
            return Fail(AllocationErrorKind.NoParticipants, 0);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        long exactSum = 0, percentSum = 0, weightSum = 0;
        int exactCount = 0, percentCount = 0;
        foreach (var request in requests)
        {
            if (!seen.Add(request.Member))
            {
                return Fail(AllocationErrorKind.DuplicateMember, 0);
            }

            if (request.Value < 0)
            {
                return Fail(AllocationErrorKind.NegativeValue, request.Value);
            }

            switch (request.Kind)
            {
                case ShareKind.Exact:
                    exactSum = checked(exactSum + request.Value);
                    exactCount++;
                    break;
                case ShareKind.Percent:
                    percentSum = checked(percentSum + request.Value);
                    percentCount++;
                    break;
                case ShareKind.Weight:
                    weightSum = checked(weightSum + request.Value);
                    break;
                default:
                    throw new ArgumentException($"Unknown share kind {request.Kind}.", nameof(requests));
            }
        }

        if (exactSum > totalMinor)
        {
            return Fail(AllocationErrorKind.ExactExceedsTotal, exactSum - totalMinor);
        }

        if (exactCount == requests.Count && exactSum != totalMinor)
        {
            return Fail(AllocationErrorKind.ExactDoesNotMatchTotal, totalMinor - exactSum);
        }

        if (percentSum > FullPercent)
        {
            return Fail(AllocationErrorKind.PercentOver100, percentSum - FullPercent);
        }

        if (percentCount == requests.Count && percentSum != FullPercent)
        {
            return Fail(AllocationErrorKind.PercentNot100, FullPercent - percentSum);
        }

        // All claims are kept as exact fractions over one common denominator, 10000 × W (W = 1 without weights):
        // a percentage claims total × bp × W, the weighted rest claims rest × 10000 × W, split by weight.
        Int128 total = totalMinor;
        Int128 restTimesFull = (total - exactSum) * FullPercent - total * percentSum;
        // Without weights the percentages may miss the rest by less than one minor unit (rounding of the
        // percentages themselves); the largest-remainder step absorbs that. With weights the rest must be positive.
        Int128 tolerance = weightSum == 0 ? FullPercent : 1;
        if (restTimesFull <= -tolerance)
        {
            return Fail(AllocationErrorKind.ExactExceedsTotal, (long)CeilDiv(-restTimesFull, FullPercent));
        }

        if (weightSum == 0 && restTimesFull >= FullPercent)
        {
            return Fail(AllocationErrorKind.NoOneToShareRest, (long)(restTimesFull / FullPercent));
        }

        if (weightSum > 0 && restTimesFull == 0)
        {
            return Fail(AllocationErrorKind.NothingLeftToShare, 0);
        }

        Int128 weightScale = Math.Max(weightSum, 1);
        Int128 denominator = FullPercent * weightScale;
        var minors = new long[requests.Count];
        var remainders = new Int128[requests.Count];
        var candidates = new List<int>(requests.Count);
        long allocated = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            Int128 numerator;
            switch (request.Kind)
            {
                case ShareKind.Exact:
                    minors[i] = request.Value;
                    allocated += request.Value;
                    continue;
                case ShareKind.Weight when request.Value == 0:
                    continue;
                case ShareKind.Percent:
                    numerator = checked(total * request.Value * weightScale);
                    break;
                default:
                    numerator = checked(restTimesFull * request.Value);
                    break;
            }

            minors[i] = (long)(numerator / denominator);
            remainders[i] = numerator % denominator;
            allocated += minors[i];
            candidates.Add(i);
        }

        HandOutLeftover(totalMinor - allocated, requests, candidates, remainders, minors, flowId);

        var shares = new Share[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            shares[i] = new Share(requests[i].Member, minors[i]);
        }

        return new AllocationResult(shares, null);
    }

    private static void HandOutLeftover(
        long leftover,
        IReadOnlyList<ShareRequest> requests,
        List<int> candidates,
        Int128[] remainders,
        long[] minors,
        string flowId)
    {
        if (leftover == 0)
        {
            return;
        }

        candidates.Sort((a, b) => string.CompareOrdinal(requests[a].Member, requests[b].Member));
        int count = candidates.Count;
        int start = RotationStart(flowId, count);
        var order = new int[count];
        for (int position = 0; position < count; position++)
        {
            order[position] = candidates[(start + position) % count];
        }

        // A stable sort keeps the rotated order among equal remainders.
        var ranked = order.OrderByDescending(i => remainders[i]).ToArray();
        for (int k = 0; k < leftover; k++)
        {
            minors[ranked[k]]++;
        }
    }

    private static int RotationStart(string flowId, int count)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(flowId));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count);
    }

    private static Int128 CeilDiv(Int128 value, Int128 divisor) => (value + divisor - 1) / divisor;

    private static AllocationResult Fail(AllocationErrorKind kind, long difference) =>
        new(null, new AllocationError(kind, difference));
}
