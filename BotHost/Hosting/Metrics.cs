using System.Globalization;
using System.Text;

namespace GroupPay.BotHost.Hosting;

/// <summary>The counters of SPEC §6, rendered in the Prometheus text format.</summary>
public sealed class Metrics
{
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private readonly long[] latencyCounts = new long[LatencyBuckets.Length + 1];
    private long updatesReceived;
    private long updatesDeduplicated;
    private long turns;
    private long latencyTicks;
    private long outboundSent;
    private long outboundThrottled;
    private long outboundFailed;
    private long paymentsConfirmed;

    public void UpdateReceived(bool duplicate)
    {
        Interlocked.Increment(ref updatesReceived);
        if (duplicate)
        {
            Interlocked.Increment(ref updatesDeduplicated);
        }
    }

    public void Turn(TimeSpan latency)
    {
        Interlocked.Increment(ref turns);
        Interlocked.Add(ref latencyTicks, latency.Ticks);
        var seconds = latency.TotalSeconds;
        var bucket = Array.FindIndex(LatencyBuckets, b => seconds <= b);
        Interlocked.Increment(ref latencyCounts[bucket < 0 ? LatencyBuckets.Length : bucket]);
    }

    public void OutboundSent() => Interlocked.Increment(ref outboundSent);
    public void OutboundThrottled() => Interlocked.Increment(ref outboundThrottled);
    public void OutboundFailed() => Interlocked.Increment(ref outboundFailed);
    public void PaymentConfirmed() => Interlocked.Increment(ref paymentsConfirmed);

    public string Render()
    {
        var text = new StringBuilder();
        Counter(text, "grouppay_updates_received_total", "Inbound updates, interactions, activities and events received.", updatesReceived);
        Counter(text, "grouppay_updates_deduplicated_total", "Inbound updates dropped as already processed.", updatesDeduplicated);
        Counter(text, "grouppay_turns_total", "Turns committed.", turns);
        text.Append("# HELP grouppay_turn_duration_seconds Time from receipt to commit of a turn.\n# TYPE grouppay_turn_duration_seconds histogram\n");
        long cumulative = 0;
        for (var i = 0; i < LatencyBuckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref latencyCounts[i]);
            text.Append(CultureInfo.InvariantCulture, $"grouppay_turn_duration_seconds_bucket{{le=\"{LatencyBuckets[i].ToString(CultureInfo.InvariantCulture)}\"}} {cumulative}\n");
        }

        cumulative += Interlocked.Read(ref latencyCounts[^1]);
        text.Append(CultureInfo.InvariantCulture, $"grouppay_turn_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        text.Append(CultureInfo.InvariantCulture, $"grouppay_turn_duration_seconds_sum {TimeSpan.FromTicks(Interlocked.Read(ref latencyTicks)).TotalSeconds.ToString(CultureInfo.InvariantCulture)}\n");
        text.Append(CultureInfo.InvariantCulture, $"grouppay_turn_duration_seconds_count {cumulative}\n");
        Counter(text, "grouppay_outbound_sent_total", "Messages and edits delivered to channels.", outboundSent);
        Counter(text, "grouppay_outbound_throttled_total", "Deliveries delayed by rate limits.", outboundThrottled);
        Counter(text, "grouppay_outbound_failed_total", "Delivery attempts that failed.", outboundFailed);
        Counter(text, "grouppay_payments_confirmed_total", "Payments confirmed by a gateway or a payee.", paymentsConfirmed);
        text.Append("# HELP dotnet_gc_collections_total Garbage collections of the host process by generation.\n# TYPE dotnet_gc_collections_total counter\n");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append(CultureInfo.InvariantCulture, $"dotnet_gc_collections_total{{generation=\"{generation}\"}} {GC.CollectionCount(generation)}\n");
        }

        var memory = GC.GetGCMemoryInfo();
        Gauge(text, "dotnet_gc_heap_size_bytes", "Size of the managed heap at the last garbage collection.", memory.HeapSizeBytes);
        Gauge(text, "dotnet_gc_committed_bytes", "Memory the garbage collector has committed for the managed heap.", memory.TotalCommittedBytes);
        Metric(text, "dotnet_gc_pause_seconds_total", "Time the host's threads were paused by garbage collections.", "counter", GC.GetTotalPauseDuration().TotalSeconds.ToString(CultureInfo.InvariantCulture));
        Counter(text, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap.", GC.GetTotalAllocatedBytes());
        Gauge(text, "dotnet_jit_compiled_methods", "Methods compiled by the JIT so far, every tier counted.", System.Runtime.JitInfo.GetCompiledMethodCount());
        Gauge(text, "process_working_set_bytes", "Resident memory of the host process.", Environment.WorkingSet);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, long value) =>
        Metric(text, name, help, "gauge", value.ToString(CultureInfo.InvariantCulture));

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        Metric(text, name, help, "counter", value.ToString(CultureInfo.InvariantCulture));

    private static void Metric(StringBuilder text, string name, string help, string type, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
}
