using System.Globalization;
using System.Text;

namespace GroupPay.Payments.Providers.Telegram;

/// <summary>
/// An invoice as <c>sendInvoice</c> takes it: <paramref name="Amount"/> is in Telegram's units for
/// <paramref name="Currency"/> (its <c>exp</c>), <paramref name="Payload"/> the obligation's pay token.
/// </summary>
public sealed record TelegramInvoice(string ChatKey, string Title, string Description, string Payload, string Currency, string Label, long Amount);

/// <summary>Posts an invoice into its chat; the Telegram channel implements it. Returns the invoice message's reference.</summary>
public interface ITelegramInvoicePoster
{
    Task<string> PostAsync(TelegramInvoice invoice, CancellationToken ct);
}

/// <summary>
/// Telegram invoices (payments.md §2, channels.md §A.7): opening a pay link posts one invoice into the Telegram chat, to
/// be paid inside Telegram. Telegram has no API to look an invoice up or to withdraw it and no payment webhook: the
/// payment is proved only by the <c>successful_payment</c> message the channel receives, which settles the obligation
/// through a normal turn. So the attempt's state lives in the host's records, and a pre-checkout check
/// (<see cref="PreCheckoutError"/>) keeps anyone but the debtor, or a stale invoice, from paying.
/// </summary>
public sealed class TelegramInvoiceProvider(ITelegramInvoicePoster poster, TimeProvider time) : IPaymentProvider
{
    public const string ProviderName = "telegram";
    public const string ChatKeyPrefix = "telegram:";
    public const int MaxTitle = 32;
    public const int MaxDescription = 255;
    public const int MaxPayloadBytes = 128;

    public string Name => ProviderName;

    public ProviderCapabilities Capabilities { get; } =
        new(ConfirmsAutomatically: true, TelegramCurrencies.Codes, TelegramCurrencies.Minimum, amount => TelegramCurrencies.ToTelegram(amount) is not null)
        {
            MaximumAmount = TelegramCurrencies.Maximum,
            PaysInChat = true,
        };

    public async Task<PaymentHandle> CreateAsync(PaymentRequest request, CancellationToken ct)
    {
        if (!request.ChatKey.StartsWith(ChatKeyPrefix, StringComparison.Ordinal))
        {
            throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.Unavailable,
                Detail: "This chat pays by Telegram invoice, but it is not a Telegram chat; an admin can switch with /settings provider."));
        }

        if (Capabilities.Check(request.Amount) is { } refusal)
        {
            throw new PaymentRefusedException(refusal);
        }

        if (request.PayToken is not { Length: > 0 } payload || Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            throw new ArgumentException("A Telegram invoice needs the obligation's pay token (at most 128 bytes) as its payload.", nameof(request));
        }

        var reference = await poster.PostAsync(Invoice(request, payload), ct);
        return new PaymentHandle(Name, reference, RedirectUrl: null, ExpiresAt: null);
    }

    /// <summary>Telegram cannot be asked about an invoice: it stays payable until its <c>successful_payment</c> arrives.</summary>
    public Task<PaymentSnapshot> GetAsync(string reference, CancellationToken ct) =>
        Task.FromResult(new PaymentSnapshot(reference, null, null, PaymentState.Open, null, time.GetUtcNow()));

    /// <summary>A posted invoice cannot be withdrawn; the pre-checkout refuses to take money for a debt no longer open.</summary>
    public Task CancelAsync(string reference, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Telegram payments arrive as bot updates through the Telegram channel, never at the payments webhook.</summary>
    public bool VerifyWebhook(InboundWebhook webhook) => false;

    public WebhookEvent? ParseWebhook(InboundWebhook webhook) => null;

    public static TelegramInvoice Invoice(PaymentRequest request, string payload)
    {
        var debtor = request.DebtorName ?? "Someone";
        var creditor = request.CreditorName ?? "someone";
        var reason = request.Reason ?? request.Description;
        var amount = MoneyFormatter.Format(request.Amount, "en");
        return new TelegramInvoice(
            request.ChatKey,
            Shorten($"{debtor} → {creditor}", MaxTitle),
            Shorten($"{debtor} pays {creditor} {amount} for {reason}. Only {debtor} can pay this invoice.", MaxDescription),
            payload,
            request.Amount.Currency.Code,
            Shorten(reason, MaxTitle),
            TelegramCurrencies.ToTelegram(request.Amount) ?? throw new PaymentRefusedException(new PaymentRefusal(RefusalKind.NotRepresentable)));
    }

    /// <summary>
    /// The answer to a <c>pre_checkout_query</c>: null to let the payment go ahead, else the message Telegram shows the
    /// payer. Only the debtor may pay, only the invoice's exact amount and currency, only while the debt is open.
    /// </summary>
    public static string? PreCheckoutError(Obligation? obligation, string payerKey, string currency, long totalAmount, string debtorName)
    {
        if (obligation is null)
        {
            return "This invoice is no longer valid.";
        }

        switch (obligation.State)
        {
            case ObligationState.Paid:
                return "This debt is already paid.";
            case ObligationState.Netted or ObligationState.Cancelled:
                return "This debt was cancelled or replaced; check the chat for the current one.";
        }

        if (payerKey != obligation.Debtor)
        {
            return $"Only {debtorName} can pay this invoice.";
        }

        return currency == obligation.CurrencyCode && TelegramCurrencies.ToTelegram(obligation.Amount) == totalAmount
            ? null
            : "This invoice no longer matches the debt; open the pay link in the chat again.";
    }

    /// <summary>Cuts text to <paramref name="max"/> UTF-16 units without splitting a character, ending with "…" when cut.</summary>
    public static string Shorten(string text, int max)
    {
        text = text.Trim();
        if (text.Length <= max)
        {
            return text.Length == 0 ? "GroupPay" : text;
        }

        var info = new StringInfo(text);
        var builder = new StringBuilder();
        for (var i = 0; i < info.LengthInTextElements; i++)
        {
            var element = info.SubstringByTextElements(i, 1);
            if (builder.Length + element.Length > max - 1)
            {
                break;
            }

            builder.Append(element);
        }

        return builder.ToString().TrimEnd() + "…";
    }
}
