using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupPay.BotHost.Hosting;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace GroupPay.BotHost.Payments;

/// <summary>
/// The built-in fake gateway. "Pay" makes it post a signed event over real HTTP to the host's own webhook, exactly as a
/// real gateway would; nothing else confirms a sandbox payment. No money moves.
/// </summary>
public sealed class SandboxGateway(
    IHttpClientFactory httpClients, IOptions<PaymentsOptions> options, SandboxSecret secret, SandboxProvider provider, IServer server,
    TimeProvider time, ILogger<SandboxGateway> logger)
{
    public const string WebhookPath = "/api/payments/sandbox/webhook";

    public async Task<bool> SendAsync(Obligation obligation, string type, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var payload = new SandboxEvent(
            "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), type, obligation.ChatKey, obligation.Id,
            obligation.Minor, obligation.CurrencyCode, now.ToUnixTimeSeconds());
        var state = type == "payment.succeeded" ? PaymentState.Succeeded : PaymentState.Failed;
        provider.Report(new PaymentSnapshot(payload.Id, obligation.Id, obligation.ChatKey, state, obligation.Amount, now));
        var body = JsonSerializer.Serialize(payload, JsonSerializerOptions.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookUrl())
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(SandboxSignature.Header, SandboxSignature.Sign(secret.Value, now, body));
        using var response = await httpClients.CreateClient(nameof(SandboxGateway)).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Sandbox webhook answered {Status} for event {EventId}", (int)response.StatusCode, payload.Id);
        }

        return response.IsSuccessStatusCode;
    }

    private Uri WebhookUrl()
    {
        if (options.Value.Sandbox.WebhookUrl is { Length: > 0 } configured)
        {
            return new Uri(configured);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? options.Value.PublicBaseUrl;
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        uri.Path = WebhookPath;
        return uri.Uri;
    }
}

/// <summary>The sandbox's webhook secret: configured, or generated once and kept in the data folder.</summary>
public sealed class SandboxSecret(string value)
{
    public string Value { get; } = value;
}
