using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GroupPay.IntegrationTests.BotFramework;

/// <summary>One call the bot made to the fake Connector.</summary>
public sealed record ConnectorCall(string Method, string ConversationId, string? ActivityId, string? Authorization, JsonNode Body)
{
    public JsonNode? Card => Body["attachments"]?[0]?["content"];
    public string CardText => $"{Card?["title"]}\n{Card?["text"]}";
    public IEnumerable<JsonNode> Buttons => Card?["buttons"]?.AsArray().OfType<JsonNode>() ?? [];
}

/// <summary>
/// The Bot Framework's side, on a real loopback port: OpenID metadata and a JWKS with a test RSA key (and its channel
/// endorsements), the token endpoint for client credentials, and a Connector that records every send and update.
/// It mints Connector tokens the way the Bot Framework does, and can mint wrong ones.
/// </summary>
public sealed class FakeBotFramework : IAsyncDisposable
{
    public const string Issuer = "https://api.botframework.com";
    public const string AppId = "bot-app-id-0001";
    public const string AppPassword = "bot-app-password-0001";
    public const string KeyId = "test-key-1";
    public const string AccessToken = "connector-access-token";

    private readonly WebApplication app;
    private RSA key = RSA.Create(2048);
    private RSA? retired;
    private readonly ConcurrentQueue<ConnectorCall> calls = new();
    private int nextActivity;
    private int metadataReads;
    private int tokenRequests;
    private int failuresToServe;

    private FakeBotFramework(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>The service URL activities carry (the Connector's base), with the trailing slash real ones have.</summary>
    public string ServiceUrl => BaseAddress + "connector/";
    public string MetadataUrl => BaseAddress + "openid";
    public string TokenUrl => BaseAddress + "token";
    public IReadOnlyList<ConnectorCall> Calls => [.. calls];
    public int MetadataReads => metadataReads;
    public int TokenRequests => tokenRequests;
    public IReadOnlyList<string> Endorsements { get; set; } = ["msteams", "emulator", "webchat"];
    public List<string> TokenRequestBodies { get; } = [];

    /// <summary>The next <paramref name="count"/> Connector calls answer 429 with Retry-After 0, as a throttled Connector does.</summary>
    public void Throttle(int count) => Interlocked.Exchange(ref failuresToServe, count);

    public static async Task<FakeBotFramework> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeBotFramework(app);
        fake.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The key id the JWKS publishes now; <see cref="RotateKey"/> replaces the key, as the Bot Framework does from time to time.</summary>
    public string CurrentKeyId { get; private set; } = KeyId;

    public void RotateKey()
    {
        retired = key;
        key = RSA.Create(2048);
        CurrentKeyId = $"test-key-{Guid.NewGuid():N}";
    }

    public string Token(string? issuer = Issuer, string? audience = AppId, string? serviceUrl = null, DateTime? expires = null, RSA? signWith = null, string? kid = null)
    {
        kid ??= CurrentKeyId;
        var now = DateTime.UtcNow;
        var end = expires ?? now.AddMinutes(30);
        var signing = new RsaSecurityKey(signWith ?? key) { KeyId = kid };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = end.AddHours(-1),
            NotBefore = end.AddHours(-1),
            Expires = end,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl ?? ServiceUrl },
            SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
        });
    }

    private void Map(WebApplication web)
    {
        web.MapGet("/openid", () =>
        {
            Interlocked.Increment(ref metadataReads);
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = BaseAddress + "keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        });
        web.MapGet("/keys", () =>
        {
            var parameters = key.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["kid"] = CurrentKeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                        ["endorsements"] = Endorsements,
                    },
                },
            });
        });
        web.MapPost("/token", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref tokenRequests);
            var form = await request.ReadFormAsync();
            lock (TokenRequestBodies)
            {
                TokenRequestBodies.Add($"{form["grant_type"]}|{form["client_id"]}|{form["client_secret"]}|{form["scope"]}");
            }

            return form["client_secret"] == AppPassword
                ? Results.Json(new { token_type = "Bearer", expires_in = 3600, ext_expires_in = 3600, access_token = AccessToken })
                : Results.Json(new { error = "invalid_client" }, statusCode: 401);
        });
        web.MapPost("/connector/v3/conversations/{conversationId}/activities", (string conversationId, HttpRequest request) =>
            RecordAsync("POST", conversationId, null, request));
        web.MapPut("/connector/v3/conversations/{conversationId}/activities/{activityId}", (string conversationId, string activityId, HttpRequest request) =>
            RecordAsync("PUT", conversationId, activityId, request));
    }

    private async Task<IResult> RecordAsync(string method, string conversationId, string? activityId, HttpRequest request)
    {
        if (Interlocked.Decrement(ref failuresToServe) >= 0)
        {
            request.HttpContext.Response.Headers.RetryAfter = "0";
            return Results.StatusCode(StatusCodes.Status429TooManyRequests);
        }

        var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
        calls.Enqueue(new ConnectorCall(method, conversationId, activityId, request.Headers.Authorization.ToString(), body));
        return Results.Json(new { id = activityId ?? $"activity-{Interlocked.Increment(ref nextActivity)}" });
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        key.Dispose();
        retired?.Dispose();
    }
}
