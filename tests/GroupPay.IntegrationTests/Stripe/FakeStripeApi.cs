using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupPay.IntegrationTests.Stripe;

/// <summary>
/// A small stand-in for the Stripe API on a loopback port, enough for Checkout: create a session (replaying the
/// first answer for a repeated Idempotency-Key, as Stripe does), retrieve it, expire it. Tests move sessions on
/// (paid, paid later, expired) and build the events Stripe would send.
/// </summary>
public sealed class FakeStripeApi : IAsyncDisposable
{
    public const string SecretKey = "sk_test_fake_0123456789";
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, JsonObject> sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> idempotency = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private int next;

    private FakeStripeApi(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every session create as received: its Idempotency-Key, Authorization and form fields.</summary>
    public ConcurrentQueue<CreateRequest> Creates { get; } = new();

    /// <summary>How many times each session was fetched.</summary>
    public ConcurrentDictionary<string, int> Fetches { get; } = new(StringComparer.Ordinal);

    public int SessionCount => sessions.Count;

    public sealed record CreateRequest(string? IdempotencyKey, string? Authorization, string? StripeVersion, IReadOnlyDictionary<string, string> Form);

    public static async Task<FakeStripeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeStripeApi(app);
        app.MapPost("/v1/checkout/sessions", fake.CreateAsync);
        app.MapGet("/v1/checkout/sessions/{id}", (string id) => fake.Get(id));
        app.MapPost("/v1/checkout/sessions/{id}/expire", (string id) => fake.ExpireViaApi(id));
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    public string? SessionField(string id, string field)
    {
        lock (gate)
        {
            return sessions[id][field]?.ToString();
        }
    }

    public void Pay(string id) => Set(id, "complete", "paid");

    /// <summary>Checkout finished with a delayed method (a bank debit): complete, but not paid yet.</summary>
    public void PayLater(string id) => Set(id, "complete", "unpaid");

    public void Expire(string id) => Set(id, "expired", "unpaid");

    /// <summary>The event Stripe would post, with the session as it is now, on Stripe.net 53's release train.</summary>
    public string Event(string eventId, string type, string sessionId)
    {
        lock (gate)
        {
            return EventLocked(eventId, type, sessionId);
        }
    }

    private string EventLocked(string eventId, string type, string sessionId) => new JsonObject
    {
        ["id"] = eventId,
        ["object"] = "event",
        ["api_version"] = "2026-10-28.endive",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = sessions[sessionId].DeepClone() },
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<IResult> CreateAsync(HttpRequest request)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var key = request.Headers["Idempotency-Key"].ToString();
        Creates.Enqueue(new CreateRequest(key, request.Headers.Authorization.ToString(), request.Headers["Stripe-Version"].ToString(), form));
        lock (gate)
        {
            if (key.Length > 0 && idempotency.TryGetValue(key, out var existing))
            {
                return Json(sessions[existing]);
            }

            var id = $"cs_test_{++next:D4}";
            var metadata = new JsonObject();
            foreach (var (name, value) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
            {
                metadata[name["metadata[".Length..^1]] = value;
            }

            var session = new JsonObject
            {
                ["id"] = id,
                ["object"] = "checkout.session",
                ["mode"] = form.GetValueOrDefault("mode"),
                ["status"] = "open",
                ["payment_status"] = "unpaid",
                ["url"] = $"https://checkout.stripe.test/c/pay/{id}",
                ["amount_total"] = long.Parse(form["line_items[0][price_data][unit_amount]"], CultureInfo.InvariantCulture)
                    * long.Parse(form["line_items[0][quantity]"], CultureInfo.InvariantCulture),
                ["currency"] = form["line_items[0][price_data][currency]"],
                ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
                ["metadata"] = metadata,
                ["success_url"] = form.GetValueOrDefault("success_url"),
                ["cancel_url"] = form.GetValueOrDefault("cancel_url"),
                ["expires_at"] = long.Parse(form["expires_at"], CultureInfo.InvariantCulture),
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["livemode"] = false,
            };
            sessions[id] = session;
            if (key.Length > 0)
            {
                idempotency[key] = id;
            }

            return Json(session);
        }
    }

    private IResult Get(string id)
    {
        Fetches.AddOrUpdate(id, 1, (_, n) => n + 1);
        return sessions.TryGetValue(id, out var session) ? Json(session) : NotFound(id);
    }

    private IResult ExpireViaApi(string id)
    {
        if (!sessions.TryGetValue(id, out var session))
        {
            return NotFound(id);
        }

        if ((string?)session["status"] == "open")
        {
            Expire(id);
        }

        return Json(session);
    }

    private void Set(string id, string status, string paymentStatus)
    {
        lock (gate)
        {
            sessions[id]["status"] = status;
            sessions[id]["payment_status"] = paymentStatus;
        }
    }

    private IResult Json(JsonObject body)
    {
        string text;
        lock (gate)
        {
            text = body.ToJsonString();
        }

        return Results.Text(text, "application/json");
    }

    private static IResult NotFound(string id) => Results.Text(
        new JsonObject
        {
            ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["code"] = "resource_missing", ["message"] = $"No such checkout.session: '{id}'" },
        }.ToJsonString(), "application/json", statusCode: 404);
}
