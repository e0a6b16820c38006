using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GroupPay.Channels.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupPay.Channels.Playground;

/// <summary>
/// The playground of SPEC §5: a page at <c>/playground</c> and its JSON API under <c>/api/playground</c>. On in
/// Development unless <c>Playground:Enabled</c> says otherwise; elsewhere only when it is true. It has no login: every
/// visitor can act as every member, which is what a local try-out needs and why it stays off in production.
/// </summary>
public static class PlaygroundEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;
    private static readonly Dictionary<string, string> PageFiles = new(StringComparer.Ordinal)
    {
        ["playground.css"] = "text/css; charset=utf-8",
        ["playground.js"] = "text/javascript; charset=utf-8",
    };

    public static WebApplicationBuilder AddPlayground(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PlaygroundOptions>().Bind(builder.Configuration.GetSection(PlaygroundOptions.Section));
        var enabled = builder.Configuration.GetValue<bool?>($"{PlaygroundOptions.Section}:Enabled") ?? builder.Environment.IsDevelopment();
        if (enabled)
        {
            builder.Services.AddSingleton<PlaygroundHub>();
            builder.Services.AddSingleton<PlaygroundChannel>();
            builder.Services.AddSingleton<IChannelSender>(services => services.GetRequiredService<PlaygroundChannel>());
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapPlayground(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<PlaygroundHub>() is null)
        {
            return app;
        }

        app.MapGet("/playground", () => Resource("playground.html", "text/html; charset=utf-8"));
        app.MapGet("/playground/{file}", (string file) =>
            PageFiles.TryGetValue(file, out var contentType) ? Resource(file, contentType) : Results.NotFound());

        var api = app.MapGroup("/api/playground");
        api.MapGet("/groups", async (PlaygroundHub hub, CancellationToken ct) => Results.Json(await hub.GroupsAsync(ct)));
        api.MapPost("/groups", async (HttpRequest request, PlaygroundHub hub, CancellationToken ct) =>
            await ReadAsync<NameBody>(request, ct) is { } body
                ? Answer(await hub.CreateGroupAsync(body.Name, ct), StatusCodes.Status201Created)
                : BadBody());
        api.MapGet("/groups/{groupId}", async (string groupId, PlaygroundHub hub, CancellationToken ct) =>
            await hub.GroupAsync(groupId, ct) is { } group ? Results.Json(group) : NotFound());
        api.MapPost("/groups/{groupId}/members", async (string groupId, HttpRequest request, PlaygroundHub hub, CancellationToken ct) =>
            await ReadAsync<NameBody>(request, ct) is { } body
                ? Answer(await hub.AddMemberAsync(groupId, body.Name, ct), StatusCodes.Status201Created)
                : BadBody());
        api.MapPut("/groups/{groupId}/members/{memberId}", async (string groupId, string memberId, HttpRequest request, PlaygroundHub hub, CancellationToken ct) =>
            await ReadAsync<NameBody>(request, ct) is { } body
                ? Answer(await hub.RenameMemberAsync(groupId, memberId, body.Name, ct))
                : BadBody());
        api.MapGet("/groups/{groupId}/messages", async (string groupId, PlaygroundHub hub, CancellationToken ct) =>
            await hub.MessagesAsync(groupId, ct) is { } messages ? Results.Json(messages) : NotFound());
        api.MapPost("/groups/{groupId}/messages", async (string groupId, HttpRequest request, PlaygroundHub hub, CancellationToken ct) =>
            await ReadAsync<SendBody>(request, ct) is { } body
                ? Answer(await hub.SendAsync(groupId, body.MemberId ?? "", body.Text, ct), StatusCodes.Status201Created)
                : BadBody());
        api.MapGet("/groups/{groupId}/messages/{messageId}/download", async (string groupId, string messageId, PlaygroundHub hub, CancellationToken ct) =>
            await hub.DocumentAsync(groupId, messageId, ct) is var (fileName, content)
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(content), ContentTypeOf(fileName), fileName)
                : NotFound());
        api.MapPost("/groups/{groupId}/presses", async (string groupId, HttpRequest request, PlaygroundHub hub, CancellationToken ct) =>
            await ReadAsync<PressBody>(request, ct) is { } body
                ? Answer(await hub.PressAsync(groupId, body.MemberId ?? "", body.Token, ct))
                : BadBody());
        api.MapGet("/groups/{groupId}/events", EventsAsync);
        return app;
    }

    private static async Task<IResult> EventsAsync(string groupId, PlaygroundHub hub, IHostApplicationLifetime lifetime, HttpResponse response, CancellationToken ct)
    {
        var subscription = await hub.SubscribeAsync(groupId, ct);
        if (subscription is null)
        {
            return NotFound();
        }

        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(StreamAsync(subscription, lifetime.ApplicationStopping, ct));
    }

    /// <summary>A <c>ready</c> event first, so the page knows it is live, then the group's events until the page or the host goes.</summary>
    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(
        PlaygroundHub.Subscription subscription, CancellationToken stopping, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var _ = subscription;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, ct);
        yield return new SseItem<object>(new { }, "ready");
        while (true)
        {
            PlaygroundEvent next;
            try
            {
                next = await subscription.Events.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            yield return new SseItem<object>(next.Data, next.Type);
        }
    }

    private static IResult Answer<T>(PlaygroundResult<T> result, int okStatus = StatusCodes.Status200OK) => result.Status switch
    {
        PlaygroundStatus.Ok => Results.Json(result.Value, statusCode: okStatus),
        PlaygroundStatus.NotFound => NotFound(),
        PlaygroundStatus.Conflict => Results.Json(new { error = result.Error }, statusCode: StatusCodes.Status409Conflict),
        _ => Results.Json(new { error = result.Error }, statusCode: StatusCodes.Status400BadRequest),
    };

    private static IResult NotFound() => Results.Json(new { error = "Not found." }, statusCode: StatusCodes.Status404NotFound);

    private static IResult BadBody() => Results.Json(new { error = "Send a JSON object of at most 16 KB." }, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Reads a small JSON body; anything malformed is null, so no parser message reaches the client.</summary>
    private static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength > MaxBodyBytes || !request.HasJsonContentType())
        {
            return null;
        }

        try
        {
            using var limited = new MemoryStream();
            await request.Body.CopyToAsync(limited, ct);
            if (limited.Length > MaxBodyBytes)
            {
                return null;
            }

            limited.Position = 0;
            return await JsonSerializer.DeserializeAsync<T>(limited, JsonSerializerOptions.Web, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Resource(string file, string contentType)
    {
        var stream = typeof(PlaygroundEndpoints).Assembly.GetManifestResourceStream($"playground/{file}");
        return stream is null ? Results.NotFound() : new PageResult(stream, contentType);
    }

    private static string ContentTypeOf(string fileName) =>
        fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";

    private sealed record NameBody(string? Name);

    private sealed record SendBody(string? MemberId, string? Text);

    private sealed record PressBody(string? MemberId, string? Token);

    /// <summary>A page file with headers that keep it to its own scripts and styles: no inline code runs.</summary>
    private sealed class PageResult(Stream stream, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-cache";
            await Results.Stream(stream, contentType).ExecuteAsync(httpContext);
        }
    }
}
