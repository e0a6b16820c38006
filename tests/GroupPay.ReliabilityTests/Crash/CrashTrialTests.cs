using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupPay.BotHost.Telegram;
using GroupPay.IntegrationTests.Telegram;
using GroupPay.Payments.Providers;

namespace GroupPay.ReliabilityTests.Crash;

/// <summary>
/// SPEC §7 "Nothing lost": a child BotHost in Telegram webhook mode (against the fake Bot API) takes a stream of
/// updates and signed sandbox payment events from several senders at once and is killed with SIGKILL at a random
/// moment. After each restart, before anything is redelivered, every acknowledged update's effect must be there; then
/// the unacknowledged ones are redelivered, as Telegram and the gateway do, and every update's effect must be there
/// exactly once, every obligation exactly once, paid exactly when a payment event for it was delivered, the ledger must
/// pass the invariant auditor, and flows opened before a crash go on (their obligations get paid and they close).
/// </summary>
public sealed class CrashTrialTests
{
    private const long Group = -1001999000111;
    private const string ChatKey = "telegram:-1001999000111";
    private const string AdminKey = "crash-admin-key-0123456789";
    private const string SandboxSecret = "crash-sandbox-secret-0123456789";
    private const int Senders = 3;

    [Fact]
    public async Task Acknowledged_updates_and_payments_survive_SIGKILL_exactly_once()
    {
        var seed = Environment.GetEnvironmentVariable("GROUPPAY_CRASH_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        await using var fake = await FakeBotApi.StartAsync();
        fake.GroupLimit = int.MaxValue;
        var folder = Path.Combine(Path.GetTempPath(), "grouppay-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string>
        {
            ["Storage:LiteDb:Path"] = Path.Combine(folder, "grouppay.db"),
            ["Admin:ApiKey"] = AdminKey,
            ["Telegram:Token"] = FakeBotApi.Token,
            ["Telegram:ApiBaseUrl"] = fake.BaseUrl,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookSecret"] = TelegramHarness.WebhookSecret,
            ["Telegram:Limits:ChatInterval"] = "00:00:00",
            ["Telegram:Limits:GroupWindow"] = "00:00:01",
            ["Payments:Sandbox:WebhookSecret"] = SandboxSecret,
        };

        var world = new World();
        var figures = new Figures();
        try
        {
            await using (var first = await ChildHost.StartAsync(settings))
            {
                foreach (var member in new[] { TelegramHarness.Alice, TelegramHarness.Bob, TelegramHarness.Carol })
                {
                    await PostUntilAckedAsync(first, TelegramHarness.Text(Group, member, "/balance"), TelegramHosting.WebhookPath, null);
                }
            }

            var began = DateTimeOffset.UtcNow;
            for (var trial = 1; trial <= Scale.CrashTrials; trial++)
            {
                await using var child = await ChildHost.StartAsync(settings);
                await CheckAfterRestartAsync(child, world, figures, trial, seed);
                using var stop = new CancellationTokenSource();
                var open = (await FlowsAsync(child)).SelectMany(f => f.Obligations).Where(o => o.State == "Open" && !world.PaymentTargets.Contains(o.Id)).ToList();
                // The kill lands while deliveries are in flight: after a random number of them started, plus a random few ms.
                var stream = new Stream(random.Next(1, 12));
                var senders = Enumerable.Range(0, Senders).Select(i => SendStreamAsync(child, world, open, stream, new Random(random.Next()), stop.Token)).ToList();
                await stream.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(random.Next(0, 25));
                child.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(senders);
                figures.Trials++;
                TestContext.Current.SendDiagnosticMessage($"trial {trial}: {stream.Started} deliveries started, {DateTimeOffset.UtcNow - began:mm\\:ss\\.fff} since the first start");
            }

            await using (var last = await ChildHost.StartAsync(settings))
            {
                await CheckAfterRestartAsync(last, world, figures, Scale.CrashTrials + 1, seed);
            }
        }
        finally
        {
            TryDelete(folder);
        }

        Scale.Report("crash-trials", ("seed", seed), ("trials", figures.Trials), ("kills", figures.Trials), ("updates_sent", world.Updates.Count),
            ("acked_before_kill", world.AckedBeforeKill), ("redelivered", figures.Redelivered), ("payment_events", world.Payments.Count),
            ("flows", figures.Flows), ("obligations", figures.Obligations), ("lost", figures.Lost), ("doubled", figures.Doubled),
            ("unbalanced", figures.Unbalanced));
        Assert.True(figures.Trials >= Scale.CrashTrials);
        Assert.True(world.AckedBeforeKill > 0, "no update was acknowledged before a kill; the trials tested nothing");
        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.Doubled);
        Assert.Equal(0, figures.Unbalanced);
    }

    private static async Task SendStreamAsync(ChildHost child, World world, List<ObligationView> open, Stream stream, Random random, CancellationToken stop)
    {
        using var client = child.Client();
        while (!stop.IsCancellationRequested)
        {
            var started = Interlocked.Increment(ref stream.Started);
            if (started == stream.KillAfter)
            {
                stream.Reached.TrySetResult();
            }
            else if (started > stream.KillAfter + Senders)
            {
                return;
            }

            Delivery delivery;
            lock (world)
            {
                var target = open.Count > 0 && random.Next(3) == 0 ? open[random.Next(open.Count)] : null;
                if (target is not null)
                {
                    open.Remove(target);
                    delivery = world.NewPayment(target);
                }
                else
                {
                    delivery = world.NewSplit(random);
                }
            }

            try
            {
                using var response = await PostAsync(client, delivery);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    lock (world)
                    {
                        delivery.Acked = true;
                        world.AckedBeforeKill++;
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                // The host died under the request: not acknowledged, so the platform redelivers it.
                return;
            }
        }
    }

    private static async Task CheckAfterRestartAsync(ChildHost child, World world, Figures figures, int trial, int seed)
    {
        var context = $"trial {trial} (seed {seed})";
        List<Delivery> pending;
        lock (world)
        {
            pending = world.All.Where(d => !d.Acked).ToList();
        }

        // Before any redelivery: every acknowledged delivery's effect is already there.
        var flows = await FlowsAsync(child);
        var byDescription = flows.GroupBy(f => f.Description).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var obligations = flows.SelectMany(f => f.Obligations).ToDictionary(o => o.Id, StringComparer.Ordinal);
        foreach (var delivery in world.All.Where(d => d.Acked))
        {
            var present = delivery.ObligationId is { } paid
                ? obligations.TryGetValue(paid, out var o) && o.State == "Paid"
                : byDescription.ContainsKey(delivery.Description!);
            if (!present)
            {
                figures.Lost++;
                TestContext.Current.SendDiagnosticMessage($"{context}: acknowledged {delivery.Description ?? delivery.ObligationId} has no effect");
            }
        }

        // Redeliver what was not acknowledged, as Telegram and the gateway do, until it is.
        using (var client = child.Client())
        {
            foreach (var delivery in pending)
            {
                await PostUntilAckedAsync(child, delivery.Body, delivery.Path, delivery.Signature);
                delivery.Acked = true;
                figures.Redelivered++;
            }
        }

        flows = await FlowsAsync(child);
        figures.Flows = flows.Count;
        figures.Obligations = flows.Sum(f => f.Obligations.Count);
        var counts = flows.Where(f => f.Description.StartsWith('c')).GroupBy(f => f.Description).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var split in world.Updates.Where(d => d.Description is not null))
        {
            var count = counts.GetValueOrDefault(split.Description!);
            if (count == 0)
            {
                figures.Lost++;
                TestContext.Current.SendDiagnosticMessage($"{context}: update {split.Description} has no flow after redelivery");
            }
            else if (count > 1)
            {
                figures.Doubled++;
                TestContext.Current.SendDiagnosticMessage($"{context}: update {split.Description} made {count} flows");
            }
        }

        foreach (var flow in flows.Where(f => f.Description.StartsWith('c')))
        {
            if (flow.Obligations.Count != 2)
            {
                figures.Doubled += flow.Obligations.Count > 2 ? 1 : 0;
                figures.Lost += flow.Obligations.Count < 2 ? 1 : 0;
                TestContext.Current.SendDiagnosticMessage($"{context}: flow {flow.Description} has {flow.Obligations.Count} obligations");
            }

            foreach (var obligation in flow.Obligations)
            {
                var shouldBePaid = world.PaymentTargets.Contains(obligation.Id);
                if ((obligation.State == "Paid") != shouldBePaid)
                {
                    figures.Lost++;
                    TestContext.Current.SendDiagnosticMessage($"{context}: obligation {obligation.Id} is {obligation.State}, paid event delivered: {shouldBePaid}");
                }
            }

            if (flow.Open == flow.Obligations.All(o => o.State == "Paid"))
            {
                figures.Lost++;
                TestContext.Current.SendDiagnosticMessage($"{context}: flow {flow.Description} open={flow.Open} does not follow its obligations");
            }
        }

        using var admin = child.Client();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        using var audit = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/chats/{ChatKey}/audit"));
        if (!audit.RootElement.GetProperty("holds").GetBoolean())
        {
            figures.Unbalanced++;
            TestContext.Current.SendDiagnosticMessage($"{context}: audit: {audit.RootElement.GetProperty("problems")}");
        }
    }

    private static async Task PostUntilAckedAsync(ChildHost child, string body, string path, string? signature)
    {
        using var client = child.Client();
        for (var attempt = 1; ; attempt++)
        {
            using var response = await PostAsync(client, new Delivery(body, path, signature is null ? null : (_ => signature)));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(attempt < 10, $"{path} answered {(int)response.StatusCode} to a redelivery");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Delivery delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Path)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        if (delivery.Path == TelegramHosting.WebhookPath)
        {
            request.Headers.Add(TelegramHosting.SecretHeader, TelegramHarness.WebhookSecret);
        }
        else
        {
            request.Headers.Add(SandboxSignature.Header, delivery.Sign!(delivery.Body));
        }

        return await client.SendAsync(request);
    }

    private static async Task<List<FlowView>> FlowsAsync(ChildHost child)
    {
        using var admin = child.Client();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        var json = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/chats/{ChatKey}/flows"))!.AsArray();
        return json.Select(f => new FlowView(
            f!["description"]?.GetValue<string>() ?? "",
            f["open"]!.GetValue<bool>(),
            f["obligations"]!.AsArray().Select(o => new ObligationView(
                o!["id"]!.GetValue<string>(), o["state"]!.GetValue<string>(),
                (long)(decimal.Parse(o["amount"]!.GetValue<string>(), CultureInfo.InvariantCulture) * 100), o["currency"]!.GetValue<string>())).ToList())).ToList();
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleanup.
        }
    }

    private sealed record FlowView(string Description, bool Open, List<ObligationView> Obligations);

    private sealed record ObligationView(string Id, string State, long Minor, string Currency);

    private sealed class Delivery(string body, string path, Func<string, string>? sign)
    {
        public string Body { get; } = body;
        public string Path { get; } = path;
        public Func<string, string>? Sign { get; } = sign;
        public string? Signature => Sign?.Invoke(Body);
        public string? Description { get; init; }
        public string? ObligationId { get; init; }
        public bool Acked { get; set; }
    }

    private sealed class World
    {
        private int next;

        public List<Delivery> Updates { get; } = [];
        public List<Delivery> Payments { get; } = [];
        public HashSet<string> PaymentTargets { get; } = new(StringComparer.Ordinal);
        public int AckedBeforeKill { get; set; }
        public IEnumerable<Delivery> All => Updates.Concat(Payments);

        public Delivery NewSplit(Random random)
        {
            var description = $"c{++next}";
            var amount = 2 * random.Next(1, 500);
            var delivery = new Delivery(TelegramHarness.Text(Group, TelegramHarness.Alice, $"/split {amount} EUR {description} @bob @carol"),
                TelegramHosting.WebhookPath, null) { Description = description };
            Updates.Add(delivery);
            return delivery;
        }

        public Delivery NewPayment(ObligationView obligation)
        {
            var body = JsonSerializer.Serialize(
                new SandboxEvent($"evt_crash_{Payments.Count + 1}", "payment.succeeded", ChatKey, obligation.Id, obligation.Minor, obligation.Currency,
                    DateTimeOffset.UtcNow.ToUnixTimeSeconds()), JsonSerializerOptions.Web);
            var delivery = new Delivery(body, "/api/payments/sandbox/webhook", b => SandboxSignature.Sign(SandboxSecret, DateTimeOffset.UtcNow, b))
            {
                ObligationId = obligation.Id,
            };
            Payments.Add(delivery);
            PaymentTargets.Add(obligation.Id);
            return delivery;
        }
    }

    /// <summary>One trial's stream: the kill comes once <see cref="KillAfter"/> deliveries have started.</summary>
    private sealed class Stream(int killAfter)
    {
        public int Started;
        public int KillAfter { get; } = killAfter;
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Figures
    {
        public int Trials { get; set; }
        public int Redelivered { get; set; }
        public int Flows { get; set; }
        public int Obligations { get; set; }
        public int Lost { get; set; }
        public int Doubled { get; set; }
        public int Unbalanced { get; set; }
    }
}
