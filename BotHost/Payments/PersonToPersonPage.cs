using GroupPay.Dialogs.Engine;
using GroupPay.Payments;
using GroupPay.Payments.Providers;
using GroupPay.Payments.Providers.PersonToPerson;
using static GroupPay.BotHost.Payments.PayPages;

namespace GroupPay.BotHost.Payments;

/// <summary>
/// The pay page of a person-to-person payment: the payee's links from <c>/payme</c> (PayPal.me, Revolut.me, UPI, a
/// SEPA EPC QR code) and an "I paid" button. Only the payee's "received" confirms it.
/// </summary>
internal static class PersonToPersonPage
{
    /// <param name="gateway">A gateway to offer instead, when the payee has no handle (or the chat's gateway is unavailable).</param>
    /// <param name="notice">A line shown above the details, e.g. why this page is shown instead of a checkout.</param>
    public static IResult Render(string token, Obligation obligation, ChatRecord chat, IPaymentProvider? gateway, string? notice = null)
    {
        var creditor = chat.NameOf(obligation.Creditor);
        var handles = chat.Payouts.Where(p => p.Member == obligation.Creditor).OrderBy(p => p.Kind, StringComparer.Ordinal).ToList();
        var remittance = $"{obligation.Reason} #{obligation.FlowNumber}";
        var details = handles.Count == 0
            ? $"<p class=\"muted\" data-testid=\"no-handle\">{E(creditor)} has not said how to be paid yet (they can register with /payme paypal|revolut|upi|iban …).</p>"
              + (gateway is null
                  ? "<p class=\"muted\">Pay them directly, then tap “I paid”.</p>"
                  : $"<p><a class=\"button primary\" data-testid=\"gateway\" href=\"/pay/{E(token)}?via={E(gateway.Name)}\">Pay by card instead ({E(gateway.Name)})</a></p>")
            : "<dl>" + string.Concat(handles.Select(h => $"<dt>{E(KindLabel(h.Kind))}</dt><dd>{Details(h, obligation, creditor, remittance)}</dd>")) + "</dl>";
        var claimed = obligation.ClaimedPaidAt is not null
            ? "<p class=\"notice\" data-testid=\"claimed\">You said you paid; waiting for the payee to confirm.</p>"
            : $"<form method=\"post\" action=\"/pay/{E(token)}/claim\"><button class=\"primary\" data-testid=\"i-paid\">I paid</button></form>";
        return Page("Pay", $"""
            <h1>{E(chat.NameOf(obligation.Debtor))} pays {E(creditor)}</h1>
            <div class="amount" data-testid="amount">{E(MoneyFormatter.Format(obligation.Amount, "en"))}</div>
            <p class="muted">for {E(obligation.Reason)} (#{obligation.FlowNumber})</p>
            {(notice is null ? "" : $"<div class=\"notice\">{E(notice)}</div>")}
            {details}
            {claimed}
            """);
    }

    private static string KindLabel(string kind) => kind switch
    {
        "paypal" => "PayPal",
        "revolut" => "Revolut",
        "upi" => "UPI",
        "iban" => "SEPA transfer",
        _ => kind,
    };

    private static string Details(PayoutHandle handle, Obligation obligation, string creditor, string remittance)
    {
        var amount = obligation.Amount;
        switch (handle.Kind)
        {
            case "paypal":
                return Link(PersonToPersonLinks.PayPalMe(handle.Handle, amount), "paypal.me/" + handle.Handle);
            case "revolut":
                return Link(PersonToPersonLinks.RevolutMe(handle.Handle), "revolut.me/" + handle.Handle)
                    + $"<br><span class=\"muted\">enter {E(MoneyFormatter.Format(amount, "en"))}</span>";
            case "upi":
                return PersonToPersonLinks.Upi(handle.Handle, creditor, amount, remittance) is { } upi
                    ? Link(upi, handle.Handle) + "<br><span class=\"muted\">opens your UPI app</span>"
                    : $"{E(handle.Handle)}<br><span class=\"muted\">UPI moves Indian rupees only; this debt is in {E(amount.Currency.Code)}.</span>";
            case "iban":
                var iban = $"<span data-testid=\"iban\">{E(handle.Handle)}</span><br><span class=\"muted\">reference “{E(remittance)}”</span>";
                if (PersonToPersonLinks.EpcPayload(creditor, handle.Handle, amount, remittance) is not { } payload)
                {
                    return iban + $"<br><span class=\"muted\">No SEPA QR code: it carries euros only.</span>";
                }

                var png = Convert.ToBase64String(PersonToPersonLinks.QrPng(payload));
                return iban + $"<br><img data-testid=\"epc-qr\" alt=\"SEPA QR code (GiroCode) for {E(MoneyFormatter.Format(amount, "en"))}\" width=\"220\" src=\"data:image/png;base64,{png}\">"
                    + "<br><span class=\"muted\">scan with your banking app</span>";
            default:
                return E(handle.Handle);
        }
    }

    private static string Link(string url, string label) =>
        $"<a href=\"{E(url)}\" rel=\"noopener noreferrer\" data-testid=\"p2p-link\">{E(label)}</a>";

}
