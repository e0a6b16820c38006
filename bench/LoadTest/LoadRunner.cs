using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace GroupPay.Bench.LoadTest;

public sealed record LoadSettings(TimeSpan PerLevel, int MaxRequests, int[] Connections, int Groups, string Only, int FillFlows, TimeSpan WarmUp)
{
    public static LoadSettings Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new LoadSettings(
            TimeSpan.FromSeconds(double.Parse(Value("--seconds") ?? "10", CultureInfo.InvariantCulture)),
            int.Parse(Value("--max-requests") ?? "200000", CultureInfo.InvariantCulture),
            (Value("--connections") ?? "1,10,40").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Value("--groups") ?? "1000", CultureInfo.InvariantCulture),
            Value("--only") ?? "both",
            int.Parse(Value("--fill-flows") ?? "10000", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Value("--warmup") ?? "15", CultureInfo.InvariantCulture)));
    }
}

/// <summary>What one level (target × connections) measured.</summary>
public sealed record LevelResult(
    string Target, int Connections, int Requests, int Failed, double Seconds, double[] AckMs, double[] EndToEndMs, int Probes,
    double PeakRssMb, double RssMb, string Gc, double CpuSeconds, long OpenFlows, long Opened = 0, string Facts = "", long AllocatedBytes = 0,
    double LoadCpuSeconds = 0, long BotApiCalls = 0, double FillPeakRssMb = double.NaN)
{
    /// <summary>Bot API calls the fake Telegram received per update acknowledged during the level.</summary>
    public double CallsPerRequest => Requests == 0 ? 0 : (double)BotApiCalls / Requests;

    /// <summary>Bytes the server allocated per request during the level (managed heap; a steadier figure than time).</summary>
    public double AllocatedKbPerRequest => Requests == 0 ? 0 : AllocatedBytes / 1024.0 / Requests;

    public double PerSecond => Requests / Seconds;
}

/// <summary>Starts the baseline and the real host as processes, drives each at every connection count, prints the table.</summary>
public sealed class LoadRunner(LoadSettings settings, TextWriter output)
{
    private const string WebhookPath = "/api/telegram/webhook";
    private const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    private const string FullTarget = "full";
    private const string MemoryTarget = "full, memory store";
    private const string MemoryLogTarget = "full, memory store + log";

    public async Task<int> RunAsync()
    {
        var root = RepositoryRoot();
        var results = new List<LevelResult>();
        output.WriteLine($"GroupPay load test: {settings.Groups} groups, {settings.PerLevel.TotalSeconds:0} s or {settings.MaxRequests} requests per level, connections {string.Join(", ", settings.Connections)}");
        output.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, load average {LoadAverage()}");

        if (settings.Only is "both" or "baseline")
        {
            results.AddRange(await RunBaselineAsync(flush: false));
            results.AddRange(await RunBaselineAsync(flush: true));
        }

        if (settings.Only is "both" or "baseline" or "send")
        {
            results.AddRange(await RunBaselineAsync(flush: false, send: true));
        }

        if (settings.Only is "both" or "full")
        {
            results.AddRange(await RunFullAsync(root, FullTarget));
        }

        if (settings.Only is "both" or "memory")
        {
            results.AddRange(await RunFullAsync(root, MemoryTarget));
            results.AddRange(await RunFullAsync(root, MemoryLogTarget));
        }

        output.WriteLine();
        output.WriteLine(Table(results));
        output.WriteLine($"load average after the run: {LoadAverage()}");
        return results.Any(r => r.Requests == 0 && r.OpenFlows == 0) ? 1 : 0;
    }

    /// <summary>
    /// The baseline endpoint as its own process. With <paramref name="send"/> it also sends one Bot API message per update
    /// to a fake Telegram in this process after the 200 (as a bot's outbox does): what no bot that answers in the chat can
    /// beat on machines where the platform's side shares the cores.
    /// </summary>
    private async Task<List<LevelResult>> RunBaselineAsync(bool flush, bool send = false)
    {
        var folder = Directory.CreateTempSubdirectory("grouppay-baseline-").FullName;
        var port = FakeTelegram.FreePort();
        var self = Environment.ProcessPath!;
        await using var telegram = send ? await FakeTelegram.StartAsync() : null;
        string[] serverArguments =
        [
            "baseline-server", port.ToString(CultureInfo.InvariantCulture), Path.Combine(folder, "inbox.db"),
            .. flush ? new[] { "flush" } : [], .. telegram is null ? [] : new[] { "send", telegram.BaseUrl },
        ];
        var arguments = self.EndsWith("dotnet", StringComparison.Ordinal) ? [typeof(LoadRunner).Assembly.Location, .. serverArguments] : serverArguments;
        output.WriteLine((flush, send) switch
        {
            (true, _) => "starting the flushed baseline endpoint (Kestrel + parse + one LiteDB insert per update, flushed to the disk)...",
            (_, true) => "starting the baseline endpoint that also sends one Bot API message per update after the 200 (to a fake Bot API)...",
            _ => "starting the baseline endpoint (Kestrel + parse + one LiteDB insert per update)...",
        });
        await using var server = await ChildProcess.StartAsync(self, arguments, port, folder, new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" });
        var workload = new Workload(null, seed: 1);
        return await RunLevelsAsync(flush ? "baseline+flush" : send ? "baseline+send" : "baseline", server, workload, BaselineServer.Secret, telegram, async client =>
        {
            var counts = (await client.GetStringAsync(server.BaseUrl + "/gc")).Split(' ');
            return new ServerCounters(string.Join('/', counts[..3]), long.Parse(counts[3], CultureInfo.InvariantCulture));
        });
    }

    /// <summary>
    /// The real host as its own process (<see cref="FullTarget"/>), or bench/MemoryHost: the same host with its turns
    /// stored in memory (no LiteDB, no disk), what the turn costs when the store costs next to nothing
    /// (<see cref="MemoryTarget"/>); with <see cref="MemoryLogTarget"/> that store also appends each commit to a file and
    /// flushes it before answering (a group commit's append and flush, the least a store holding its state in memory pays
    /// to be durable).
    /// </summary>
    private async Task<List<LevelResult>> RunFullAsync(string root, string target)
    {
        var memoryStore = target != FullTarget;
        var (project, assembly) = memoryStore ? ("bench/MemoryHost", "GroupPay.MemoryHost") : ("BotHost", "GroupPay.BotHost");
        var dll = Path.Combine(root, project, "bin", "Release", "net10.0", assembly + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build it first: dotnet build {project} -c Release ({dll} is missing).");
        }

        await using var telegram = await FakeTelegram.StartAsync();
        var folder = Directory.CreateTempSubdirectory("grouppay-host-").FullName;
        var port = FakeTelegram.FreePort();
        var url = $"http://127.0.0.1:{port}";
        const string secret = "bench-webhook-secret_0123456789";
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Urls"] = url,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Storage__LiteDb__Path"] = Path.Combine("data", "grouppay.db"),
            ["Payments__PublicBaseUrl"] = url,
            ["Telegram__Token"] = FakeTelegram.Token,
            ["Telegram__ApiBaseUrl"] = telegram.BaseUrl,
            ["Telegram__Mode"] = "Webhook",
            ["Telegram__WebhookSecret"] = secret,
            ["Telegram__WebhookUrl"] = url + WebhookPath,
            // Raised for the bench so end-to-end latency shows the bot's work, not Telegram's intentional pacing.
            ["Telegram__Limits__GlobalPerSecond"] = "1000000",
            ["Telegram__Limits__ChatInterval"] = "00:00:00",
            ["Telegram__Limits__ChatBurst"] = "1000",
            ["Telegram__Limits__GroupMax"] = "1000000",
            ["Telegram__Limits__GroupWindow"] = "00:00:01",
        };
        if (target == MemoryLogTarget)
        {
            environment["MemoryStore__LogPath"] = Path.Combine("data", "turns.log");
        }

        output.WriteLine($"starting the host for \"{target}\": dotnet {Path.GetRelativePath(root, dll)} (Production, Warning logs, Telegram webhook against a fake Bot API)...");
        await using var host = await ChildProcess.StartAsync("dotnet", [dll], port, folder, environment);
        var workload = new Workload(telegram, seed: 2);
        async Task<Func<string, string>> MetricsOf(HttpClient client)
        {
            var metrics = await client.GetStringAsync(host.BaseUrl + "/metrics");
            return name => metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))?.Split(' ')[^1] ?? "?";
        }

        static string MiB(string bytes) => double.TryParse(bytes, CultureInfo.InvariantCulture, out var b) ? (b / (1 << 20)).ToString("0", CultureInfo.InvariantCulture) : "?";
        return await RunLevelsAsync(target, host, workload, secret, telegram, async client =>
        {
            var metric = await MetricsOf(client);
            return new ServerCounters(
                $"{metric("dotnet_gc_collections_total{generation=\"0\"}")}/{metric("dotnet_gc_collections_total{generation=\"1\"}")}/{metric("dotnet_gc_collections_total{generation=\"2\"}")}",
                long.Parse(metric("dotnet_gc_allocated_bytes_total"), CultureInfo.InvariantCulture));
        }, async client =>
        {
            var metric = await MetricsOf(client);
            return $"managed heap {MiB(metric("dotnet_gc_heap_size_bytes"))} MiB ({MiB(metric("dotnet_gc_committed_bytes"))} committed), {metric("dotnet_jit_compiled_methods")} methods JIT-compiled";
        });
    }

    private async Task<List<LevelResult>> RunLevelsAsync(
        string target, ChildProcess server, Workload workload, string secret, FakeTelegram? telegram, Func<HttpClient, Task<ServerCounters>> counters,
        Func<HttpClient, Task<string>>? facts = null)
    {
        var results = new List<LevelResult>();
        using var probeClient = new HttpClient();
        long flowsCreated = 0;
        // Long enough for the JIT's tiers to settle (a host's first ~20 s under load are mostly compiling), so the
        // levels measure a running server rather than a starting one.
        output.WriteLine($"  {target}: warming up ({settings.WarmUp.TotalSeconds:0} s at 10 connections)...");
        flowsCreated += (await DriveAsync(server, workload, secret, 10, settings.WarmUp, int.MaxValue)).NewFlows;
        foreach (var connections in settings.Connections)
        {
            var cpuBefore = server.CpuTime();
            var loadCpuBefore = OwnCpuTime();
            var callsBefore = telegram?.Calls ?? 0;
            var before = await counters(probeClient);
            var run = await DriveAsync(server, workload, secret, connections, settings.PerLevel, settings.MaxRequests);
            var cpu = (server.CpuTime() - cpuBefore).TotalSeconds;
            var loadCpu = (OwnCpuTime() - loadCpuBefore).TotalSeconds;
            flowsCreated += run.NewFlows;
            var endToEnd = new List<double>();
            if (telegram is not null)
            {
                // Let the outbox catch up (bounded), then match probes to the messages that carried them.
                var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
                var lastCalls = -1L;
                while (Stopwatch.GetTimestamp() < deadline && telegram.Calls != lastCalls)
                {
                    lastCalls = telegram.Calls;
                    await Task.Delay(500);
                }

                foreach (var (probe, sentAt) in run.Probes)
                {
                    if (telegram.TryGetProbe(probe, out var arrivedAt))
                    {
                        endToEnd.Add(Stopwatch.GetElapsedTime(sentAt, arrivedAt).TotalMilliseconds);
                    }
                }
            }

            var (peak, rss) = server.Memory();
            var after = await counters(probeClient);
            var result = new LevelResult(target, connections, run.Latencies.Length, run.Failed, run.Elapsed.TotalSeconds, run.Latencies,
                [.. endToEnd], run.Probes.Count, peak, rss, after.Gc, cpu, flowsCreated, AllocatedBytes: after.AllocatedBytes - before.AllocatedBytes,
                LoadCpuSeconds: loadCpu, BotApiCalls: (telegram?.Calls ?? 0) - callsBefore);
            results.Add(result);
            output.WriteLine($"  {target} @ {connections,2}: {result.PerSecond,8:N0} updates/s, ack p50 {Percentile(result.AckMs, 50):0.00} ms, p99 {Percentile(result.AckMs, 99):0.00} ms, failed {run.Failed}, peak RSS {peak:0} MiB");
        }

        if (target == FullTarget && telegram is not null && settings.FillFlows > 0)
        {
            // Open flows up to the target (bounded by time), then read the host's memory with that many open.
            output.WriteLine($"  {target}: opening {settings.FillFlows:N0} more flows (new flows only, nobody presses, so all stay open; 40 connections, at most 180 s)...");
            workload.NewFlowsOnly = true;
            var (runPeak, _) = server.Memory();
            var peakReset = server.ResetPeakMemory();
            var fillDeadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 180;
            long opened = 0;
            while (opened < settings.FillFlows && Stopwatch.GetTimestamp() < fillDeadline)
            {
                opened += (await DriveAsync(server, workload, secret, 40, TimeSpan.FromSeconds(5), (int)(settings.FillFlows - opened))).NewFlows;
            }

            flowsCreated += opened;

            workload.NewFlowsOnly = false;
            await Task.Delay(2000);
            var (fillPeak, rss) = server.Memory();
            var peak = Math.Max(runPeak, fillPeak);
            var fill = new LevelResult(target + " (open flows)", 40, 0, 0, 1, [], [], 0, peak, rss, (await counters(probeClient)).Gc, 0, flowsCreated, opened,
                facts is null ? "" : await facts(probeClient), FillPeakRssMb: peakReset ? fillPeak : double.NaN);
            results.Add(fill);
            output.WriteLine($"  {target}: {opened:N0} flows opened ({flowsCreated:N0} created in the whole run), peak RSS {peak:0} MiB (since the opening began {fill.FillPeakRssMb:0} MiB), RSS now {rss:0} MiB");
        }

        return results;
    }

    /// <summary>What a server says of its collector: collections by generation ("gen0/gen1/gen2") and bytes allocated so far.</summary>
    private sealed record ServerCounters(string Gc, long AllocatedBytes);

    private sealed record DriveResult(double[] Latencies, int Failed, TimeSpan Elapsed, List<(long Probe, long SentAt)> Probes, long NewFlows);

    /// <summary>Closed loop: <paramref name="connections"/> workers, each owning a share of the groups, one request in flight each.</summary>
    private async Task<DriveResult> DriveAsync(ChildProcess server, Workload workload, string secret, int connections, TimeSpan duration, int maxRequests)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new double[maxRequests == int.MaxValue ? 1_000_000 : maxRequests];
        var count = -1;
        var failed = 0;
        var probes = new List<(long, long)>();
        long newFlows = 0;
        var planLock = new Lock();
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task WorkerAsync(int worker)
        {
            var groups = Enumerable.Range(0, settings.Groups).Where(g => g % connections == worker).ToArray();
            var next = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var group = groups[next++ % groups.Length];
                PlannedUpdate update;
                lock (planLock)
                {
                    update = workload.Next(group);
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath)
                {
                    Content = new StringContent(update.Json, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add(SecretHeader, secret);
                var sentAt = Stopwatch.GetTimestamp();
                HttpStatusCode status;
                try
                {
                    using var response = await client.SendAsync(request);
                    status = response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                var elapsed = Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds;
                var slot = Interlocked.Increment(ref count);
                if (slot >= latencies.Length)
                {
                    return;
                }

                latencies[slot] = elapsed;
                if (status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                }
                else if (update.Kind == UpdateKind.NewFlow)
                {
                    Interlocked.Increment(ref newFlows);
                    lock (probes)
                    {
                        probes.Add((update.Probe, sentAt));
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(w => Task.Run(() => WorkerAsync(w))));
        var total = Math.Min(count + 1, latencies.Length);
        return new DriveResult(latencies[..total], failed, Stopwatch.GetElapsedTime(started), probes, newFlows);
    }

    private static string Table(List<LevelResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| target | conns | requests | updates/s | ack p50 ms | ack p99 ms | ack p99.9 ms | e2e p50 ms | e2e p99 ms | e2e matched | host CPU s | load test CPU s | Bot API calls / update | KB allocated / update | peak RSS MiB | GC gen0/1/2 | flows created |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var r in results.Where(r => r.Requests > 0))
        {
            var e2e = r.EndToEndMs.Length == 0 ? ("–", "–", "–") : (F(Percentile(r.EndToEndMs, 50)), F(Percentile(r.EndToEndMs, 99)), $"{r.EndToEndMs.Length}/{r.Probes}");
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Target} | {r.Connections} | {r.Requests:N0}{(r.Failed > 0 ? $" ({r.Failed} failed)" : "")} | {r.PerSecond:N0} | {F(Percentile(r.AckMs, 50))} | {F(Percentile(r.AckMs, 99))} | {F(Percentile(r.AckMs, 99.9))} | {e2e.Item1} | {e2e.Item2} | {e2e.Item3} | {r.CpuSeconds:0.0} | {r.LoadCpuSeconds:0.0} | {r.CallsPerRequest:0.00} | {r.AllocatedKbPerRequest:0} | {r.PeakRssMb:0} | {r.Gc} | {(r.Target == FullTarget ? r.OpenFlows.ToString("N0", CultureInfo.InvariantCulture) : "–")} |");
        }

        foreach (var r in results.Where(r => r.Requests == 0))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Memory with open flows: {r.Opened:N0} flows opened after the mix and never pressed (so open), {r.OpenFlows:N0} flows created in the whole run; host peak RSS {r.PeakRssMb:0} MiB over the whole run, {r.FillPeakRssMb:0} MiB from the start of the opening on (the flows being opened at 40 connections, then held), RSS at the end {r.RssMb:0} MiB, GC gen0/1/2 {r.Gc}{(r.Facts.Length > 0 ? "; " + r.Facts : "")}.");
        }

        text.AppendLine();
        text.AppendLine("| conns | full / baseline | full / baseline+flush | full / baseline+send | baseline+send / baseline | memory store / baseline | memory store + log / baseline | full / memory store |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var connections in results.Where(r => r.Requests > 0 && r.Target is FullTarget or MemoryTarget or MemoryLogTarget).Select(r => r.Connections).Distinct())
        {
            double? Rate(string target) => results.FirstOrDefault(r => r.Requests > 0 && r.Target == target && r.Connections == connections)?.PerSecond;
            static string Ratio(double? over, double? under) =>
                over is { } a && under is { } b ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "–";

            var (full, plain, flushed, sending, memory, logged) =
                (Rate(FullTarget), Rate("baseline"), Rate("baseline+flush"), Rate("baseline+send"), Rate(MemoryTarget), Rate(MemoryLogTarget));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {connections} | {Ratio(full, plain)} | {Ratio(full, flushed)} | {Ratio(full, sending)} | {Ratio(sending, plain)} | {Ratio(memory, plain)} | {Ratio(logged, plain)} | {Ratio(full, memory)} |");
        }

        return text.ToString();
    }

    /// <summary>CPU time of this process: the load generator, and the fake Bot API where a target has one.</summary>
    private static TimeSpan OwnCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static double Percentile(double[] values, double percentile)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GroupPay.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run the load test from the GroupPay repository (GroupPay.slnx not found above it).");
    }
}
