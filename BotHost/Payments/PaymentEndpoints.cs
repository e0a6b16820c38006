using System.Text.Json;
using GroupPay.BotHost.Hosting;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using static GroupPay.BotHost.Payments.PayPages;

namespace GroupPay.BotHost.Payments;

/// <summary><c>GET /pay/{token}</c> and what follows from it, and the gateways' webhooks.</summary>
public static class PaymentEndpoints
{
    private const int MaxWebhookBytes = 64 * 1024;

    public static void MapPayments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/pay/{token}", ShowAsync);
        app.MapPost("/pay/{token}/sandbox", SandboxActionAsync).DisableAntiforgery();
        app.MapPost("/pay/{token}/claim", ClaimAsync).DisableAntiforgery();
        app.MapPost(SandboxGateway.WebhookPath, SandboxWebhookAsync);
    }

    private static async Task<IResult> ShowAsync(string token, IGroupPayStore store, EngineOptions engineOptions, CancellationToken ct)
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

        var provider = chat.Settings.Provider ?? engineOptions.DefaultProvider;
        return provider == "sandbox" ? SandboxCheckout(token, obligation, chat) : PersonToPerson(token, obligation, chat);
    }

    private static IResult SandboxCheckout(string token, Obligation obligation, ChatRecord chat) => Page("Sandbox checkout", $"""
        <p class="muted">Sandbox checkout</p>
        <h1>{E(Name(chat, obligation.Debtor))} pays {E(Name(chat, obligation.Creditor))}</h1>
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

    private static IResult PersonToPerson(string token, Obligation obligation, ChatRecord chat)
    {
        var handles = chat.Payouts.Where(p => p.Member == obligation.Creditor).ToList();
        var details = handles.Count == 0
            ? $"<p class=\"muted\">{E(Name(chat, obligation.Creditor))} has not said how to be paid yet (they can use /payme). Pay them directly, then tap “I paid”.</p>"
            : "<dl>" + string.Concat(handles.Select(h => $"<dt>{E(h.Kind)}</dt><dd>{PayoutLink(h, obligation)}</dd>")) + "</dl>";
        var claimed = obligation.ClaimedPaidAt is not null
            ? "<p class=\"notice\">You said you paid; waiting for the payee to confirm.</p>"
            : $"<form method=\"post\" action=\"/pay/{E(token)}/claim\"><button class=\"primary\">I paid</button></form>";
        return Page("Pay", $"""
            <h1>{E(Name(chat, obligation.Debtor))} pays {E(Name(chat, obligation.Creditor))}</h1>
            <div class="amount">{E(MoneyFormatter.Format(obligation.Amount, "en"))}</div>
            <p class="muted">for {E(obligation.Reason)} (#{obligation.FlowNumber})</p>
            {details}
            {claimed}
            """);
    }

    private static string PayoutLink(PayoutHandle handle, Obligation obligation)
    {
        var amount = obligation.Amount.ToDecimalString();
        var url = handle.Kind switch
        {
            "paypal" => $"https://paypal.me/{Uri.EscapeDataString(handle.Handle)}/{amount}{obligation.CurrencyCode}",
            "revolut" => $"https://revolut.me/{Uri.EscapeDataString(handle.Handle)}",
            "upi" => $"upi://pay?pa={Uri.EscapeDataString(handle.Handle)}&am={amount}&cu={obligation.CurrencyCode}",
            _ => null,
        };
        return url is null ? E(handle.Handle) : $"<a href=\"{E(url)}\" rel=\"noopener noreferrer\">{E(handle.Handle)}</a>";
    }

    private static IResult Closed(Obligation obligation, ChatRecord chat) => obligation.State == ObligationState.Paid
        ? Page("Already paid", $"<h1>Already paid ✅</h1><p>{E(Name(chat, obligation.Debtor))} paid {E(Name(chat, obligation.Creditor))} {E(MoneyFormatter.Format(obligation.Amount, "en"))} for {E(obligation.Reason)}.</p>")
        : Page("Nothing to pay", $"<h1>Nothing to pay</h1><p class=\"muted\">This debt was {(obligation.State == ObligationState.Netted ? "replaced by a settle-up plan" : "cancelled")}; check the chat for the current one.</p>");

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
                    ? Page("Paid", $"<h1 data-testid=\"result\">Payment sent ✅</h1><p>{E(MoneyFormatter.Format(obligation.Amount, "en"))} to {E(Name(chat, obligation.Creditor))}. The chat card updates by itself; you can close this tab.</p>")
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

    private static async Task<IResult> ClaimAsync(string token, IGroupPayStore store, Turns turns, CancellationToken ct)
    {
        var (obligation, chat) = await FindAsync(store, token, ct);
        if (obligation is null || chat is null)
        {
            return Page("Link not found", "<h1>This pay link does not exist</h1>", 404);
        }

        if (obligation.IsOpen)
        {
            await turns.HandleAsync(new PaymentClaimInbound(obligation.ChatKey, $"claim:{obligation.Id}", obligation.Id), ct);
        }

        return Page("Thanks", $"<h1>Thanks!</h1><p>{E(Name(chat, obligation.Creditor))} is asked to confirm the payment in the chat.</p>");
    }

    private static async Task<IResult> SandboxWebhookAsync(
        HttpRequest request, SandboxSecret secret, IGroupPayStore store, Turns turns, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        if (request.ContentLength > MaxWebhookBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        if (body.Length > MaxWebhookBytes || !SandboxSignature.Verify(request.Headers[SandboxSignature.Header], body, secret.Value, time.GetUtcNow()))
        {
            return Results.Unauthorized();
        }

        SandboxEvent? payment;
        try
        {
            payment = JsonSerializer.Deserialize<SandboxEvent>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (payment is null || payment.Id is null || payment.ObligationId is null || payment.ChatKey is null)
        {
            return Results.BadRequest();
        }

        if (payment.Type != "payment.succeeded")
        {
            return Results.Ok();
        }

        var obligation = await store.LoadObligationAsync(payment.ObligationId, ct);
        if (obligation is null || obligation.ChatKey != payment.ChatKey || obligation.Minor != payment.Amount || obligation.CurrencyCode != payment.Currency)
        {
            loggers.CreateLogger("GroupPay.Payments.Sandbox").LogWarning("Sandbox event {EventId} does not match its obligation; ignored", payment.Id);
            return Results.Ok();
        }

        await turns.HandleAsync(new PaymentInbound(payment.ChatKey, $"sandbox:{payment.Id}", payment.ObligationId, "sandbox", payment.Id), ct);
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

    private static string Name(ChatRecord chat, string member) =>
        chat.Members.Find(m => m.Key == member)?.Name ?? member;
}
