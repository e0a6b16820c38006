using System.Collections.Concurrent;
using GroupPay.BotHost.Hosting;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using Microsoft.Extensions.Options;

namespace GroupPay.BotHost.Payments;

/// <summary>What opening a pay link through a gateway came to.</summary>
public abstract record OpenOutcome
{
    private OpenOutcome() { }

    /// <summary>Send the payer to the gateway's page (303).</summary>
    public sealed record Redirect(Uri Url) : OpenOutcome;
    /// <summary>The gateway has no page of its own; the host shows its checkout (the sandbox).</summary>
    public sealed record HostPage(PaymentHandle Handle) : OpenOutcome;
    public sealed record Refused(PaymentRefusal Refusal) : OpenOutcome;
    /// <summary>Paid with a method that confirms later; another attempt now could charge twice.</summary>
    public sealed record Processing : OpenOutcome;
    public sealed record AlreadyPaid : OpenOutcome;
}

/// <summary>
/// The core of gateway payments: opens (or reuses) one payment per attempt at an obligation, and settles an
/// obligation from a payment state it fetched or verified. Settling is a <see cref="PaymentInbound"/> turn whose
/// dedupe key is the gateway's payment, so a payment confirmed by several events, a webhook and the poller, or two
/// hosts, confirms once.
/// </summary>
public sealed class PaymentService(
    IPaymentRecords records, IGroupPayStore store, Turns turns, EngineOptions engineOptions, IOptions<StripeOptions> stripeOptions,
    TimeProvider time, ILogger<PaymentService> logger)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);

    /// <summary>
    /// Opens the gateway's payment for an obligation: reuses the latest attempt while the gateway still has it open,
    /// else creates the next attempt. Opens of one obligation are serialised here; across hosts the attempt's
    /// idempotency key makes the gateway answer a second create with the first payment.
    /// </summary>
    public async Task<OpenOutcome> OpenAsync(IPaymentProvider provider, Obligation obligation, ChatRecord chat, string payToken, CancellationToken ct)
    {
        if (provider.Capabilities.Check(obligation.Amount) is { } refusal)
        {
            return new OpenOutcome.Refused(refusal);
        }

        var gate = gates.GetOrAdd(obligation.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var latest = await records.LatestAttemptAsync(obligation.Id, provider.Name, ct);
            if (latest is { IsUnsettled: true })
            {
                var state = await ApplyAsync(provider, await provider.GetAsync(latest.Reference, ct), hint: null, ct);
                switch (state)
                {
                    case PaymentState.Open when latest.RedirectUrl is not null:
                        return new OpenOutcome.Redirect(new Uri(latest.RedirectUrl));
                    case PaymentState.Open:
                        return new OpenOutcome.HostPage(new PaymentHandle(provider.Name, latest.Reference, null, latest.ExpiresAt));
                    case PaymentState.Processing:
                        return new OpenOutcome.Processing();
                    case PaymentState.Succeeded:
                        return new OpenOutcome.AlreadyPaid();
                }
            }

            var number = (latest?.Number ?? 0) + 1;
            var now = time.GetUtcNow();
            var pay = $"{engineOptions.PublicBaseUrl.TrimEnd('/')}/pay/{payToken}";
            var request = new PaymentRequest(
                PaymentAttempt.AttemptId(obligation.Id, number), obligation.Id, obligation.ChatKey, obligation.Amount,
                Describe(obligation, chat), now + stripeOptions.Value.SessionLifetime, new Uri(pay + "/done"), new Uri(pay + "/cancelled"))
            {
                PayToken = payToken,
                DebtorName = chat.NameOf(obligation.Debtor),
                CreditorName = chat.NameOf(obligation.Creditor),
                Reason = $"{obligation.Reason} (#{obligation.FlowNumber})",
            };
            PaymentHandle handle;
            try
            {
                handle = await provider.CreateAsync(request, ct);
            }
            catch (PaymentRefusedException exception)
            {
                return new OpenOutcome.Refused(exception.Refusal);
            }

            await records.SaveAttemptAsync(new PaymentAttempt
            {
                ObligationId = obligation.Id,
                ChatKey = obligation.ChatKey,
                Provider = provider.Name,
                Number = number,
                Reference = handle.Reference,
                RedirectUrl = handle.RedirectUrl?.ToString(),
                CreatedAt = now,
                ExpiresAt = handle.ExpiresAt,
            }, ct);
            return handle.RedirectUrl is { } url ? new OpenOutcome.Redirect(url) : new OpenOutcome.HostPage(handle);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Acts on a payment's state as the gateway reported it. A succeeded payment whose obligation, chat and amount
    /// match settles the obligation; anything else only updates the attempt. Paid never goes back.
    /// </summary>
    public async Task<PaymentState> ApplyAsync(IPaymentProvider provider, PaymentSnapshot payment, PaymentState? hint, CancellationToken ct)
    {
        var attempt = await records.FindAttemptAsync(provider.Name, payment.Reference, ct);
        var state = hint == PaymentState.Failed && payment.State is PaymentState.Open or PaymentState.Processing ? PaymentState.Failed : payment.State;
        if (attempt?.State == PaymentState.Succeeded)
        {
            return PaymentState.Succeeded;
        }

        var obligationId = attempt?.ObligationId ?? payment.ObligationId;
        var chatKey = attempt?.ChatKey ?? payment.ChatKey;
        if (state == PaymentState.Succeeded)
        {
            var obligation = obligationId is null ? null : await store.LoadObligationAsync(obligationId, ct);
            if (obligation is null || obligation.ChatKey != chatKey || payment.Amount != obligation.Amount)
            {
                logger.LogWarning("{Provider} payment {Reference} does not match an obligation of ours (obligation, chat or amount); not settled",
                    provider.Name, payment.Reference);
                return state;
            }

            await turns.HandleAsync(new PaymentInbound(obligation.ChatKey, $"{provider.Name}:paid:{payment.Reference}", obligation.Id, provider.Name, payment.Reference), ct);
        }

        if (attempt is not null && attempt.State != state)
        {
            attempt.State = state;
            attempt.CheckedAt = time.GetUtcNow();
            await records.SaveAttemptAsync(attempt, ct);
        }

        return state;
    }

    private static string Describe(Obligation obligation, ChatRecord chat) =>
        $"{obligation.Reason} (#{obligation.FlowNumber}): {chat.NameOf(obligation.Debtor)} → {chat.NameOf(obligation.Creditor)}";

}
