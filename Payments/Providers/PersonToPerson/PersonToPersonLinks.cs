using System.Text;

namespace GroupPay.Payments.Providers.PersonToPerson;

/// <summary>
/// Links to the payee's own account, built from their <c>/payme</c> handle. No gateway is involved, so nothing
/// confirms these payments but the payee. Each builder returns null when the scheme cannot carry the amount.
/// </summary>
public static class PersonToPersonLinks
{
    /// <summary>PayPal.me: <c>https://paypal.me/{handle}/{amount}{CUR}</c>, the amount with a dot and the currency's decimals.</summary>
    public static string PayPalMe(string handle, Money amount) =>
        $"https://paypal.me/{Uri.EscapeDataString(handle)}/{amount.ToDecimalString()}{amount.Currency.Code}";

    /// <summary>Revolut.me: <c>https://revolut.me/{handle}</c>; the payer types the amount on Revolut's page.</summary>
    public static string RevolutMe(string handle) => $"https://revolut.me/{Uri.EscapeDataString(handle)}";

    /// <summary>
    /// NPCI UPI deep link <c>upi://pay?pa=…&amp;pn=…&amp;am=…&amp;cu=INR&amp;tn=…</c>. UPI moves rupees only, so other
    /// currencies give null. The address is checked when registered (letters, digits, <c>._-</c> and one <c>@</c>) and
    /// kept literal; the name and note are percent-encoded; the note is cut to 80 characters.
    /// </summary>
    public static string? Upi(string address, string payeeName, Money amount, string note)
    {
        if (amount.Currency.Code != "INR")
        {
            return null;
        }

        return $"upi://pay?pa={address}&pn={Uri.EscapeDataString(Clean(payeeName, 99))}&am={amount.ToDecimalString()}&cu=INR&tn={Uri.EscapeDataString(Clean(note, 80))}";
    }

    /// <summary>
    /// The EPC069-12 "SEPA Credit Transfer" QR payload (GiroCode), version 002: service tag BCD, version, character
    /// set 1 (UTF-8), SCT, BIC (optional in 002, left empty), beneficiary name (≤ 70), IBAN, amount as EUR with at
    /// most two decimals (0.01–999999999.99), purpose (empty), structured reference (empty), remittance text (≤ 140),
    /// separated by LF, the last line without LF. Euro only: other currencies give null.
    /// </summary>
    public static string? EpcPayload(string beneficiary, string iban, Money amount, string remittance)
    {
        if (amount.Currency.Code != "EUR" || amount.Minor is < 1 or > 99_999_999_999)
        {
            return null;
        }

        return string.Join('\n',
            "BCD", "002", "1", "SCT", "", Clean(beneficiary, 70), iban, "EUR" + amount.ToDecimalString(), "", "", Clean(remittance, 140));
    }

    /// <summary>The EPC payload as a PNG QR code, error correction level M as EPC069-12 asks.</summary>
    public static byte[] QrPng(string payload)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCoder.QRCodeGenerator.ECCLevel.M, forceUtf8: true);
        return new QRCoder.PngByteQRCode(data).GetGraphic(6);
    }

    /// <summary>One line of at most <paramref name="max"/> characters: control characters become spaces.</summary>
    private static string Clean(string text, int max)
    {
        var line = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            line.Append(char.IsControl(c) ? ' ' : c);
        }

        var trimmed = line.ToString().Trim();
        return trimmed.Length <= max ? trimmed : trimmed[..max].TrimEnd();
    }
}
