using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace GroupPay.Channels.BotFramework;

/// <summary>
/// The Bot Framework's OpenID metadata and signing keys, with each key's channel endorsements (which the standard OpenID
/// retrievers do not surface). Fetched on first use, refreshed after 24 hours, and re-read early when a token names a key
/// we do not know (a rollover), at most once per five minutes so forged key ids cannot make us hammer the endpoint.
/// </summary>
public sealed class BotFrameworkSigningKeys(HttpClient http, Uri metadataUrl, TimeProvider time)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromHours(24);
    public static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);
    private const int MaxDocumentBytes = 256 * 1024;

    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile Fetched? current;

    /// <summary>The issuer named by the metadata, the signing keys, and the endorsements by key id.</summary>
    public sealed record Snapshot(string Issuer, IReadOnlyList<SecurityKey> Keys, IReadOnlyDictionary<string, IReadOnlyList<string>> Endorsements);

    private sealed record Fetched(Snapshot Snapshot, DateTimeOffset At);

    public Task<Snapshot> GetAsync(CancellationToken ct) => RefreshIfOlderThanAsync(RefreshAfter, ct);

    /// <summary>Re-reads the keys if the last read is older than <see cref="UnknownKeyRefreshInterval"/>; else returns what we have.</summary>
    public Task<Snapshot> RefreshForUnknownKeyAsync(CancellationToken ct) => RefreshIfOlderThanAsync(UnknownKeyRefreshInterval, ct);

    private async Task<Snapshot> RefreshIfOlderThanAsync(TimeSpan age, CancellationToken ct)
    {
        if (current is { } fresh && time.GetUtcNow() - fresh.At < age)
        {
            return fresh.Snapshot;
        }

        await gate.WaitAsync(ct);
        try
        {
            if (current is { } raced && time.GetUtcNow() - raced.At < age)
            {
                return raced.Snapshot;
            }

            try
            {
                current = new Fetched(await FetchAsync(ct), time.GetUtcNow());
            }
            catch (Exception) when (current is { } kept)
            {
                // The endpoint is down or answered nonsense: keep trusting the keys we have rather than refusing every
                // activity, and try again in a minute rather than making every request wait on a dead endpoint.
                current = kept with { At = time.GetUtcNow() - age + RetryAfterFailure };
                return kept.Snapshot;
            }

            return current.Snapshot;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Snapshot> FetchAsync(CancellationToken ct)
    {
        using var metadata = await ReadJsonAsync(metadataUrl, ct);
        var issuer = metadata.RootElement.GetProperty("issuer").GetString()
            ?? throw new InvalidDataException("The OpenID metadata names no issuer.");
        var jwksUri = new Uri(metadata.RootElement.GetProperty("jwks_uri").GetString()
            ?? throw new InvalidDataException("The OpenID metadata names no jwks_uri."));

        using var jwks = await ReadJsonAsync(jwksUri, ct);
        var keySet = new JsonWebKeySet(jwks.RootElement.GetRawText());
        var endorsements = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            if (key.TryGetProperty("kid", out var kid) && kid.GetString() is { } id
                && key.TryGetProperty("endorsements", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                endorsements[id] = list.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToList();
            }
        }

        return new Snapshot(issuer, keySet.GetSigningKeys().ToList(), endorsements);
    }

    private async Task<JsonDocument> ReadJsonAsync(Uri url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxDocumentBytes)
        {
            throw new InvalidDataException($"{url} is larger than {MaxDocumentBytes} bytes.");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        return await JsonDocument.ParseAsync(stream, cancellationToken: ct);
    }
}
