using GroupPay.Payments;
using GroupPay.Payments.Providers.PersonToPerson;

namespace GroupPay.Tests.Payments;

public sealed class PersonToPersonLinksTests
{
    private static Money M(long minor, string code) => Money.FromMinor(minor, Currency.Get(code));

    [Fact]
    public void PayPal_me_carries_handle_amount_and_currency()
    {
        Assert.Equal("https://paypal.me/alicepp/12.50EUR", PersonToPersonLinks.PayPalMe("alicepp", M(1250, "EUR")));
        Assert.Equal("https://paypal.me/alicepp/1500JPY", PersonToPersonLinks.PayPalMe("alicepp", M(1500, "JPY")));
    }

    [Fact]
    public void Revolut_me_is_the_payees_page() =>
        Assert.Equal("https://revolut.me/alice_r", PersonToPersonLinks.RevolutMe("alice_r"));

    [Fact]
    public void UPI_follows_the_NPCI_deep_link_and_takes_rupees_only()
    {
        var link = PersonToPersonLinks.Upi("alice@okbank", "Alice Kumar", M(25000, "INR"), "Dinner #1");

        Assert.NotNull(link);
        Assert.Equal("upi://pay?pa=alice@okbank&pn=Alice%20Kumar&am=250.00&cu=INR&tn=Dinner%20%231", link);
        var query = link[(link.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal(["pa", "pn", "am", "cu", "tn"], query.Keys.ToArray());
        Assert.Equal("Dinner #1", query["tn"]);
        Assert.Null(PersonToPersonLinks.Upi("alice@okbank", "Alice", M(2500, "EUR"), "Dinner"));
        Assert.Equal(80, Uri.UnescapeDataString(PersonToPersonLinks.Upi("a@b", "A", M(100, "INR"), new string('x', 200))!.Split("tn=")[1]).Length);
    }

    [Fact]
    public void The_EPC_payload_matches_EPC069_12_line_by_line()
    {
        var payload = PersonToPersonLinks.EpcPayload("Alice Müller", "DE89370400440532013000", M(3050, "EUR"), "Dinner #1");

        var lines = payload!.Split('\n');
        Assert.Equal(11, lines.Length);
        Assert.Equal("BCD", lines[0]);                      // service tag
        Assert.Equal("002", lines[1]);                      // version: BIC optional
        Assert.Equal("1", lines[2]);                        // character set: UTF-8
        Assert.Equal("SCT", lines[3]);                      // identification: SEPA credit transfer
        Assert.Equal("", lines[4]);                         // BIC, left out
        Assert.Equal("Alice Müller", lines[5]);             // beneficiary name, ≤ 70
        Assert.Equal("DE89370400440532013000", lines[6]);   // IBAN
        Assert.Equal("EUR30.50", lines[7]);                 // amount: EUR, at most two decimals
        Assert.Equal("", lines[8]);                         // purpose
        Assert.Equal("", lines[9]);                         // structured remittance reference
        Assert.Equal("Dinner #1", lines[10]);               // unstructured remittance, ≤ 140
        Assert.DoesNotContain('\r', payload);
        Assert.False(payload.EndsWith('\n'));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(payload) <= 331);
    }

    [Fact]
    public void The_EPC_payload_caps_its_fields_and_refuses_what_it_cannot_carry()
    {
        var payload = PersonToPersonLinks.EpcPayload(new string('N', 90), "DE89370400440532013000", M(1, "EUR"), "line\nbreak " + new string('r', 200))!;
        var lines = payload.Split('\n');

        Assert.Equal(11, lines.Length);
        Assert.Equal(70, lines[5].Length);
        Assert.Equal("EUR0.01", lines[7]);
        Assert.Equal(140, lines[10].Length);
        Assert.StartsWith("line break", lines[10]);
        Assert.Null(PersonToPersonLinks.EpcPayload("Alice", "DE89370400440532013000", M(3050, "USD"), "Dinner"));
        Assert.Null(PersonToPersonLinks.EpcPayload("Alice", "DE89370400440532013000", M(100_000_000_000, "EUR"), "Dinner"));
    }

    [Fact]
    public void The_QR_code_is_a_PNG()
    {
        var png = PersonToPersonLinks.QrPng(PersonToPersonLinks.EpcPayload("Alice", "DE89370400440532013000", M(3050, "EUR"), "Dinner")!);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
    }
}
