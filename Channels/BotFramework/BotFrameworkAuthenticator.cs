using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GroupPay.Channels.BotFramework;

/// <summary>What a verified Connector token vouches for: the service URL it may be answered at, and its key's endorsements.</summary>
public sealed record ChannelToken(string? ServiceUrl, IReadOnlyList<string> Endorsements);

/// <summary>
/// Checks the Bot Connector's JWT (the Bot Framework's connector-to-bot rules): issuer from the OpenID metadata, audience =
/// our app id, a signature by a published key (RS256/384/512), lifetime with five minutes of skew. The activity-dependent
/// rules (<c>serviceurl</c> claim and channel endorsement) follow in <see cref="Admits"/> once the body is read.
/// </summary>
public sealed class BotFrameworkAuthenticator(BotFrameworkOptions options, BotFrameworkSigningKeys keys, TimeProvider time)
{
    public const string ServiceUrlClaim = "serviceurl";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    /// <summary>The verified token, or null when the header is missing, malformed or the token fails any check.</summary>
    public async Task<ChannelToken?> ValidateAsync(string? authorization, CancellationToken ct)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length > 8192)
        {
            return null;
        }

        var token = authorization["Bearer ".Length..].Trim();
        if (!handler.CanReadToken(token))
        {
            return null;
        }

        var snapshot = await keys.GetAsync(ct);
        var kid = new JsonWebToken(token).Kid;
        if (kid is not null && !snapshot.Keys.Any(k => k.KeyId == kid))
        {
            snapshot = await keys.RefreshForUnknownKeyAsync(ct);
        }

        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = snapshot.Issuer,
            ValidAudience = options.AppId,
            IssuerSigningKeys = snapshot.Keys,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            LifetimeValidator = WithinLifetime,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken verified)
        {
            return null;
        }

        var serviceUrl = verified.Claims.FirstOrDefault(c => string.Equals(c.Type, ServiceUrlClaim, StringComparison.OrdinalIgnoreCase))?.Value;
        return new ChannelToken(serviceUrl, verified.Kid is { } id && snapshot.Endorsements.TryGetValue(id, out var list) ? list : []);
    }

    /// <summary>Lifetime on our clock (injected, so tests can move it), with the five minutes' skew the Bot Framework allows.</summary>
    private bool WithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } end && now <= end + ClockSkew && (notBefore is not { } start || now >= start - ClockSkew);
    }

    /// <summary>The token may speak for this activity: same service URL, and its key is endorsed for the activity's channel.</summary>
    public static int? Admits(ChannelToken token, Activity activity)
    {
        if (token.ServiceUrl is null || !string.Equals(token.ServiceUrl, activity.ServiceUrl, StringComparison.Ordinal))
        {
            return StatusCodes.Status401Unauthorized;
        }

        return activity.ChannelId is { Length: > 0 } channel && !token.Endorsements.Contains(channel, StringComparer.Ordinal)
            ? StatusCodes.Status403Forbidden
            : null;
    }

    /// <summary>
    /// Emulator mode (no app id) checks no token, so it serves only this machine: the caller is loopback and the request
    /// did not come through a proxy (a local reverse proxy would make every caller look like loopback).
    /// </summary>
    public static bool EmulatorMayCall(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote
        && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For")
        && !context.Request.Headers.ContainsKey("Forwarded");
}
