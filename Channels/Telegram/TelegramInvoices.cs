using System.Globalization;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.Telegram;
using global::Telegram.Bot;
using global::Telegram.Bot.Exceptions;
using global::Telegram.Bot.Types;
using global::Telegram.Bot.Types.Payments;
using Microsoft.Extensions.Logging;

namespace GroupPay.Channels.Telegram;

/// <summary>
/// The bot's payment provider token from @BotFather (<c>Telegram:PaymentProviderToken</c>); null when Telegram invoices
/// are not set up. A secret: it goes into <c>sendInvoice</c> and nowhere else, never into a log.
/// </summary>
public sealed class TelegramInvoiceSettings(string? providerToken)
{
    public string? ProviderToken { get; } = string.IsNullOrWhiteSpace(providerToken) ? null : providerToken;

    public bool Enabled => ProviderToken is not null;
}

/// <summary>
/// Telegram's side of invoices: posts them (<see cref="ITelegramInvoicePoster"/>), answers <c>pre_checkout_query</c>
/// at once from the store (Telegram wants the answer within 10 seconds and nothing here waits on a turn or a queue), and
/// turns <c>successful_payment</c> into a <see cref="PaymentInbound"/> turn deduplicated by
/// <c>telegram_payment_charge_id</c>, so a payment delivered twice settles once.
/// </summary>
public sealed class TelegramInvoices(
    ITelegramBotClient bot,
    TelegramSender sender,
    TelegramInvoiceSettings settings,
    IGroupPayStore store,
    IPaymentRecords records,
    TurnRunner turns,
    TimeProvider time,
    ILogger<TelegramInvoices> logger) : ITelegramInvoicePoster
{
    public const string NotEnabled = "Telegram payments are not enabled for this bot; use the pay link in the chat.";
    public const string CheckFailed = "The payment could not be checked just now; try again in a moment.";

    public Task<string> PostAsync(TelegramInvoice invoice, CancellationToken ct) =>
        settings.ProviderToken is { } token
            ? sender.SendInvoiceAsync(invoice, token, ct)
            : throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.Unavailable, Detail: NotEnabled));

    /// <summary>The payment reference kept on a paid obligation: both of Telegram's charge ids.</summary>
    public static string Reference(SuccessfulPayment payment) =>
        $"tg:{payment.TelegramPaymentChargeId};provider:{payment.ProviderPaymentChargeId}";

    public static string DedupeKey(SuccessfulPayment payment) =>
        $"{TelegramChats.Channel}:paid:{payment.TelegramPaymentChargeId}";

    /// <summary>Answers a pre-checkout query: ok only for the debtor, the invoice's exact amount and an open debt.</summary>
    public async Task AnswerAsync(PreCheckoutQuery query, CancellationToken ct)
    {
        string? error;
        try
        {
            error = settings.Enabled ? await DecideAsync(query, ct) : NotEnabled;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "A Telegram pre-checkout query could not be checked; it is refused");
            error = CheckFailed;
        }

        try
        {
            await bot.AnswerPreCheckoutQuery(query.Id, error, ct);
        }
        catch (RequestException exception)
        {
            logger.LogWarning("A Telegram pre-checkout query could not be answered ({Reason})", exception.Message);
        }
    }

    private async Task<string?> DecideAsync(PreCheckoutQuery query, CancellationToken ct)
    {
        var obligation = await FindAsync(query.InvoicePayload, ct);
        var debtorName = obligation is null ? "" : await NameAsync(obligation, obligation.Debtor, ct);
        var payer = TelegramUpdateHandler.ActorOf(query.From).Key;
        var error = TelegramInvoiceProvider.PreCheckoutError(obligation, payer, query.Currency, query.TotalAmount, debtorName);
        if (error is not null)
        {
            logger.LogInformation("Telegram pre-checkout for obligation {ObligationId} refused: {Reason}", obligation?.Id ?? "(unknown)", error);
        }

        return error;
    }

    /// <summary>
    /// A <c>successful_payment</c> message: Telegram took the money. The obligation is found by the invoice's payload
    /// (the chat the message arrives in may not be the invoice's); a payment whose amount or currency is not the debt's
    /// is logged and left to an admin rather than settled.
    /// </summary>
    public async Task OnPaidAsync(Message message, SuccessfulPayment payment, CancellationToken ct)
    {
        var obligation = await FindAsync(payment.InvoicePayload, ct);
        if (obligation is null)
        {
            logger.LogWarning("A Telegram payment arrived in chat {ChatId} for an invoice of no known debt; record it by hand",
                message.Chat.Id.ToString(CultureInfo.InvariantCulture));
            return;
        }

        if (payment.Currency != obligation.CurrencyCode || TelegramCurrencies.ToTelegram(obligation.Amount) != payment.TotalAmount)
        {
            logger.LogWarning("A Telegram payment for obligation {ObligationId} does not match its amount or currency; not settled", obligation.Id);
            return;
        }

        await turns(new PaymentInbound(obligation.ChatKey, DedupeKey(payment), obligation.Id, TelegramInvoiceProvider.ProviderName, Reference(payment)), ct);
        if (await records.LatestAttemptAsync(obligation.Id, TelegramInvoiceProvider.ProviderName, ct) is { State: not PaymentState.Succeeded } attempt)
        {
            attempt.State = PaymentState.Succeeded;
            attempt.CheckedAt = time.GetUtcNow();
            await records.SaveAttemptAsync(attempt, ct);
        }
    }

    private async Task<Obligation?> FindAsync(string? payload, CancellationToken ct)
    {
        if (payload is not { Length: >= 10 and <= 64 })
        {
            return null;
        }

        var obligation = await store.FindObligationByPayTokenAsync(payload, ct);
        return obligation is not null && obligation.ChatKey.StartsWith(TelegramInvoiceProvider.ChatKeyPrefix, StringComparison.Ordinal) ? obligation : null;
    }

    private async Task<string> NameAsync(Obligation obligation, string member, CancellationToken ct)
    {
        var chat = await store.LoadChatAsync(obligation.ChatKey, ct);
        return chat?.Members.Find(m => m.Key == member)?.Name ?? "the debtor";
    }
}
