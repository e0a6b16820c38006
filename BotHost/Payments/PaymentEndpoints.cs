using GroupPay.BotHost.Hosting;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using static GroupPay.BotHost.Payments.PayPages;

namespace GroupPay.BotHost.Payments;

/// <summary><c>GET /pay/{token}</c> and what follows from it, and the gateways' webhooks.</summary>
public static class PaymentEndpoints
{
    private const int MaxWebhookBytes = 256 * 1024;

    public static void MapPayments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/pay/{token}", ShowAsync);
        app.MapGet("/pay/{token}/done", DoneAsync);
        app.MapGet("/pay/{token}/cancelled", CancelledAsync);
        app.MapPost("/pay/{token}/sandbox", SandboxActionAsync).DisableAntiforgery();
        app.MapPost("/pay/{token}/claim", ClaimAsync).DisableAntiforgery();
        app.MapPost("/api/payments/{provider}/webhook", WebhookAsync);
    }

    /// <summary>
    /// Dispatches to the chat's provider (<c>/settings provider</c>, else the host's default); <c>?via=</c> picks another
    /// available one, as offered on a person-to-person page whose payee has no handle.
    /// </summary>
    private static async Task<IResult> ShowAsync(
        string token, string? via, IGroupPayStore store, EngineOptions engineOptions, PaymentProviders providers, PaymentService payments,
        ILogger<PaymentService> logger, CancellationToken ct)
    {
        var (obligation, chat) = await FindAsync(store, token, ct);
        if (obligation is null || chat is null)
        {
            return Page("Link not found", "<h1>This pay link does not exist</h1><p class=\"muted\">Check the link, or ask in the chat for a new one.</p>", 404);
        }

        if (!obligation.IsOpen)
        {
            return Closed(obligation, chat);
        }

        var chosen = chat.Settings.Provider ?? engineOptions.DefaultProvider;
        if (via == PaymentProviders.PersonToPerson || (providers.Find(via) is not null && Offerable(providers.Find(via)!, engineOptions)))
        {
            chosen = via!;
        }

        if (chosen == PaymentProviders.PersonToPerson)
        {
            return PersonToPersonPage.Render(token, obligation, chat, GatewayToOffer(providers, engineOptions));
        }

        if (providers.Find(chosen) is not { } provider)
        {
            return PersonToPersonPage.Render(token, obligation, chat, GatewayToOffer(providers, engineOptions),
                $"This chat pays through “{chosen}”, which is not set up on this bot; an admin can switch with /settings provider. Meanwhile, pay directly.");
        }

        OpenOutcome outcome;
        try
        {
            outcome = await payments.OpenAsync(provider, obligation, chat, token, ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Opening a {Provider} payment for obligation {ObligationId} failed", provider.Name, obligation.Id);
            return Page("Try again", "<h1>The payment page could not be opened</h1><p class=\"muted\">The payment service did not answer. Try again in a moment.</p>", 502);
        }

        return outcome switch
        {
            OpenOutcome.Redirect redirect => new SeeOther(redirect.Url),
            OpenOutcome.HostPage when provider.Capabilities.PaysInChat => InvoicePosted(obligation, chat),
            OpenOutcome.HostPage => SandboxCheckout(token, obligation, chat),
            OpenOutcome.Refused refused => RefusedPage(token, obligation, chat, provider, refused.Refusal),
            OpenOutcome.Processing => Page("Processing", "<h1>Your payment is being processed ⏳</h1><p class=\"muted\">The chat card updates once it is confirmed; nothing more to do.</p>"),
            _ => Closed((await store.LoadObligationAsync(obligation.Id, ct)) ?? obligation, chat),
        };
    }

    /// <summary>
    /// Gateways offered on a person-to-person page: a real one when configured; the sandbox only in Development; never
    /// one that pays inside a chat (a Telegram invoice), which only a chat that chose it uses.
    /// </summary>
    private static IPaymentProvider? GatewayToOffer(PaymentProviders providers, EngineOptions engineOptions) =>
        providers.All.Where(p => Offerable(p, engineOptions)).OrderBy(p => p.Name == SandboxProvider.ProviderName).FirstOrDefault();

    private static bool Offerable(IPaymentProvider provider, EngineOptions engineOptions) =>
        provider.Capabilities is { ConfirmsAutomatically: true, PaysInChat: false }
        && (provider.Name != SandboxProvider.ProviderName || engineOptions.IsDevelopment);

    private static IResult RefusedPage(string token, Obligation obligation, ChatRecord chat, IPaymentProvider provider, PaymentRefusal refusal)
    {
        var amount = MoneyFormatter.Format(obligation.Amount, "en");
        var why = refusal.Kind switch
        {
            RefusalKind.BelowMinimum when refusal.Minimum is { } minimum =>
                $"{amount} is below the smallest amount {provider.Name} charges in {obligation.CurrencyCode} ({MoneyFormatter.Format(minimum, "en")}).",
            RefusalKind.BelowMinimum => $"{amount} is below the smallest amount {provider.Name} charges.",
            RefusalKind.NotRepresentable when obligation.Amount.Currency.Exponent == 3 =>
                $"{provider.Name} charges {obligation.CurrencyCode} only in amounts whose last decimal is 0, and this debt is {amount}.",
            RefusalKind.NotRepresentable => $"{provider.Name} cannot charge exactly {amount}.",
            RefusalKind.AboveMaximum when refusal.Maximum is { } maximum =>
                $"{amount} is above the largest amount {provider.Name} charges in {obligation.CurrencyCode} ({MoneyFormatter.Format(maximum, "en")}).",
            RefusalKind.CurrencyNotSupported => $"{provider.Name} does not take {obligation.CurrencyCode}.",
            RefusalKind.Unavailable when refusal.Detail is { } detail => detail,
            _ => $"{provider.Name} refused this payment.",
        };
        return Page("Cannot pay by card", $"""
            <h1 data-testid="refused">This debt cannot be paid by card</h1>
            <div class="amount">{E(amount)}</div>
            <p>{E(why)}</p>
            <p class="muted">Pay {E(chat.NameOf(obligation.Creditor))} directly instead; they confirm with “✔ got it” on the chat card.</p>
            <p><a class="button secondary" href="/pay/{E(token)}?via={PaymentProviders.PersonToPerson}">Pay directly</a></p>
            """, 422);
    }

    /// <summary>An in-chat provider posted (or had already posted) its invoice into the chat; paying happens there.</summary>
    private static IResult InvoicePosted(Obligation obligation, ChatRecord chat) => Page("Invoice posted", $"""
        <h1 data-testid="result">An invoice for you was posted in the chat</h1>
        <div class="amount" data-testid="amount">{E(MoneyFormatter.Format(obligation.Amount, "en"))}</div>
        <p>{E(chat.NameOf(obligation.Debtor))} pays {E(chat.NameOf(obligation.Creditor))} for {E(obligation.Reason)} (#{obligation.FlowNumber}).</p>
        <p class="muted">Open the chat and tap <b>Pay</b> on the invoice. Only {E(chat.NameOf(obligation.Debtor))} can pay it; the chat card updates once it is paid.</p>
        """);

    private static IResult SandboxCheckout(string token, Obligation obligation, ChatRecord chat) => Page("Sandbox checkout", $"""
        <p class="muted">Sandbox checkout</p>
        <h1>{E(chat.NameOf(obligation.Debtor))} pays {E(chat.NameOf(obligation.Creditor))}</h1>
        <div class="amount" data-testid="amount">{E(MoneyFormatter.Format(obligation.Amount, "en"))}</div>
        <p class="muted">for {E(obligation.Reason)} (#{obligation.FlowNumber})</p>
        <div class="notice">🧪 Sandbox: no real money moves. Pay makes the sandbox send a signed webhook, as a real gateway would.</div>
        <form method="post" action="/pay/{E(token)}/sandbox">
          <button class="primary" name="action" value="pay">Pay {E(MoneyFormatter.Format(obligation.Amount, "en"))}</button>
          <button class="secondary" name="action" value="decline">Decline</button>
          <button class="secondary" name="action" value="fail">Simulate failure</button>
          <button class="secondary" name="action" value="delay">Simulate delay</button>
        </form>
        """);

    private static IResult Closed(Obligation obligation, ChatRecord chat) => obligation.State == ObligationState.Paid
        ? Page("Already paid", $"<h1>Already paid ✅</h1><p>{E(chat.NameOf(obligation.Debtor))} paid {E(chat.NameOf(obligation.Creditor))} {E(MoneyFormatter.Format(obligation.Amount, "en"))} for {E(obligation.Reason)}.</p>")
        : Page("Nothing to pay", $"<h1>Nothing to pay</h1><p class=\"muted\">This debt was {(obligation.State == ObligationState.Netted ? "replaced by a settle-up plan" : "cancelled")}; check the chat for the current one.</p>");

    /// <summary>Where a gateway sends the payer back after paying. Cosmetic only: the webhook or the poller confirms.</summary>
    private static async Task<IResult> DoneAsync(string token, IGroupPayStore store, CancellationToken ct)
    {
        var (obligation, chat) = await FindAsync(store, token, ct);
        if (obligation is null || chat is null)
        {
            return Page("Link not found", "<h1>This pay link does not exist</h1>", 404);
        }

        return obligation.IsOpen
            ? Page("Thanks", $"<h1 data-testid=\"result\">Thanks! ⏳</h1><p>The payment to {E(chat.NameOf(obligation.Creditor))} is being confirmed; the chat card updates by itself. You can close this tab.</p>")
            : Closed(obligation, chat);
    }

    private static async Task<IResult> CancelledAsync(string token, IGroupPayStore store, CancellationToken ct)
    {
        var (obligation, chat) = await FindAsync(store, token, ct);
        return obligation is null || chat is null
            ? Page("Link not found", "<h1>This pay link does not exist</h1>", 404)
            : Page("Not paid", $"<h1 data-testid=\"result\">Not paid</h1><p class=\"muted\">Nothing was charged. The pay button in the chat still works.</p><p><a class=\"button secondary\" href=\"/pay/{E(token)}\">Back to paying</a></p>");
    }

    private static async Task<IResult> SandboxActionAsync(
        string token, HttpRequest request, IGroupPayStore store, SandboxGateway gateway, Microsoft.Extensions.Options.IOptions<PaymentsOptions> options,
        CancellationToken ct)
    {
        var (obligation, chat) = await FindAsync(store, token, ct);
        if (obligation is null || chat is null)
        {
            return Page("Link not found", "<h1>This pay link does not exist</h1>", 404);
        }

        if (!obligation.IsOpen)
        {
            return Closed(obligation, chat);
        }

        var form = await request.ReadFormAsync(ct);
        switch (form["action"].ToString())
        {
            case "pay":
                return await gateway.SendAsync(obligation, "payment.succeeded", ct)
                    ? Page("Paid", $"<h1 data-testid=\"result\">Payment sent ✅</h1><p>{E(MoneyFormatter.Format(obligation.Amount, "en"))} to {E(chat.NameOf(obligation.Creditor))}. The chat card updates by itself; you can close this tab.</p>")
                    : Page("Not confirmed", "<h1>The payment was not confirmed</h1><p class=\"muted\">Try again in a moment.</p>", 502);
            case "fail":
                await gateway.SendAsync(obligation, "payment.failed", ct);
                return Page("Failed", "<h1 data-testid=\"result\">Payment failed ✖</h1><p class=\"muted\">Simulated failure: nothing was paid and the debt stays open.</p>");
            case "delay":
                _ = Task.Run(async () =>
                {
                    await Task.Delay(options.Value.Sandbox.SimulatedDelay, CancellationToken.None);
                    await gateway.SendAsync(obligation, "payment.succeeded", CancellationToken.None);
                }, CancellationToken.None);
                return Page("Processing", $"<h1 data-testid=\"result\">Processing… ⏳</h1><p class=\"muted\">The sandbox confirms in {options.Value.Sandbox.SimulatedDelay.TotalSeconds:0} seconds; the chat card updates then.</p>");
            default:
                return Page("Declined", "<h1 data-testid=\"result\">Payment declined</h1><p class=\"muted\">Nothing was paid; the debt stays open in the chat.</p>");
        }
    }

    /// <summary>"I paid" on a person-to-person page: the creditor is asked to confirm ("received") or deny ("not received").</summary>
    private static async Task<IResult> ClaimAsync(string token, IGroupPayStore store, Turns turns, CancellationToken ct)
    {
        var (obligation, chat) = await FindAsync(store, token, ct);
        if (obligation is null || chat is null)
        {
            return Page("Link not found", "<h1>This pay link does not exist</h1>", 404);
        }

        if (obligation.IsOpen)
        {
            // A claim the creditor turned down may be made again, so each press is its own turn; the turn ignores a claim already pending.
            await turns.HandleAsync(new PaymentClaimInbound(obligation.ChatKey, $"claim:{obligation.Id}:{Guid.NewGuid():N}", obligation.Id), ct);
        }

        return Page("Thanks", $"<h1 data-testid=\"result\">Thanks!</h1><p>{E(chat.NameOf(obligation.Creditor))} is asked to confirm the payment in the chat.</p>");
    }

    /// <summary>
    /// <c>POST /api/payments/{provider}/webhook</c>: the signature is checked on the raw bytes before anything is read;
    /// an event already handled is acknowledged and ignored (also one that changed nothing); the payment is then taken
    /// from the event only if the provider vouches for it, else re-fetched from the gateway, and settled monotonically.
    /// A gateway that cannot be reached gets a 503, so the event is redelivered.
    /// </summary>
    private static async Task<IResult> WebhookAsync(
        string provider, HttpRequest request, PaymentProviders providers, PaymentService payments, IPaymentRecords records, TimeProvider time,
        ILogger<PaymentService> logger, CancellationToken ct)
    {
        if (providers.Find(provider) is not { } gateway)
        {
            return Results.NotFound();
        }

        if (request.ContentLength > MaxWebhookBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxWebhookBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var webhook = new InboundWebhook(
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            buffer.ToArray(), time.GetUtcNow());
        if (!gateway.VerifyWebhook(webhook))
        {
            return Results.Unauthorized();
        }

        if (gateway.ParseWebhook(webhook) is not { } received)
        {
            return Results.BadRequest();
        }

        if (await records.IsEventHandledAsync(gateway.Name, received.EventId, ct))
        {
            return Results.Ok();
        }

        try
        {
            var payment = received.Snapshot ?? (received.Reference is null ? null : await gateway.GetAsync(received.Reference, ct));
            if (payment is not null)
            {
                await payments.ApplyAsync(gateway, payment, received.Hint, ct);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "{Provider} event {EventId} could not be handled yet; the gateway will redeliver it", gateway.Name, received.EventId);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        await records.MarkEventHandledAsync(gateway.Name, received.EventId, time.GetUtcNow(), ct);
        return Results.Ok();
    }

    private static async Task<(Obligation? Obligation, ChatRecord? Chat)> FindAsync(IGroupPayStore store, string token, CancellationToken ct)
    {
        if (token.Length is < 10 or > 64)
        {
            return (null, null);
        }

        var obligation = await store.FindObligationByPayTokenAsync(token, ct);
        return obligation is null ? (null, null) : (obligation, await store.LoadChatAsync(obligation.ChatKey, ct));
    }


    /// <summary>303 See Other: the browser follows with a GET, whatever brought it here.</summary>
    private sealed class SeeOther(Uri url) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = url.ToString();
            return Task.CompletedTask;
        }
    }
}
