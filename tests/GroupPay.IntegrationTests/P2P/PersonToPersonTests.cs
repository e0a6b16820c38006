using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GroupPay.Dialogs.Engine;
using GroupPay.Payments;

namespace GroupPay.IntegrationTests.P2P;

/// <summary>A chat on person-to-person payments: Bob opens his pay link, pays Alice through her own account, says "I paid"; Alice confirms or not.</summary>
public sealed class PersonToPersonTests
{
    private const string ChatKey = "playground:p2p-chat";
    private const string AdminKey = "it-admin-key-0123456789";

    private static Actor Member(string name) => new($"playground:{name.ToLowerInvariant()}", name, name.ToLowerInvariant(), name == "Alice");

    private static async Task<Obligation> BobOwesAliceAsync(TestHost host, string amount, params string[] aliceHandles)
    {
        var n = 0;
        foreach (var name in new[] { "Alice", "Bob" })
        {
            await host.Turns.HandleAsync(new TextInbound(ChatKey, $"hi:{name}", Member(name), "hi"));
        }

        await host.Turns.HandleAsync(new TextInbound(ChatKey, "provider", Member("Alice"), "/settings provider p2p"));
        foreach (var handle in aliceHandles)
        {
            await host.Turns.HandleAsync(new TextInbound(ChatKey, $"payme:{++n}", Member("Alice"), "/payme " + handle));
        }

        await host.Turns.HandleAsync(new TextInbound(ChatKey, "request", Member("Alice"), $"/request @bob {amount} Dinner"));
        return (await host.Store.ObligationsAsync(ChatKey, 1, openOnly: true)).Single();
    }

    private static async Task PressAsync(TestHost host, string member, Obligation obligation, string action)
    {
        var flow = (await host.Store.LoadFlowAsync(ChatKey, obligation.FlowNumber))!;
        await host.Turns.HandleAsync(new ButtonInbound(ChatKey, $"press:{action}:{Guid.NewGuid():N}", Member(member), flow.Tokens[$"{action}:{obligation.Id}"]));
    }

    private static async Task<JsonElement> AdminObligationAsync(TestHost host)
    {
        using var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var flows = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/chats/{Uri.EscapeDataString(ChatKey)}/flows"));
        return flows.RootElement[0].GetProperty("obligations")[0].Clone();
    }

    [Fact]
    public async Task The_pay_page_shows_each_of_the_payees_links_and_the_SEPA_QR_code()
    {
        await using var host = TestHost.Start(AdminKey);
        var obligation = await BobOwesAliceAsync(host, "30 EUR", "paypal alicepp", "revolut alicer", "iban DE89 3704 0044 0532 0130 00", "upi alice@okbank");
        using var browser = host.Client();

        var page = await browser.GetStringAsync($"/pay/{obligation.PayToken}");

        Assert.Contains("href=\"https://paypal.me/alicepp/30.00EUR\"", page);
        Assert.Contains("href=\"https://revolut.me/alicer\"", page);
        Assert.Contains("enter 30.00 EUR", page);
        Assert.Contains("UPI moves Indian rupees only", page);
        Assert.Contains("DE89370400440532013000", page);
        Assert.Contains("data-testid=\"epc-qr\"", page);
        var png = page[(page.IndexOf("data:image/png;base64,", StringComparison.Ordinal) + "data:image/png;base64,".Length)..];
        var bytes = Convert.FromBase64String(png[..png.IndexOf('"', StringComparison.Ordinal)]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Contains("I paid", page);
    }

    [Fact]
    public async Task A_rupee_debt_gets_a_UPI_link_and_no_SEPA_code()
    {
        await using var host = TestHost.Start(AdminKey);
        var obligation = await BobOwesAliceAsync(host, "250 INR", "upi alice@okbank", "iban DE89 3704 0044 0532 0130 00");
        using var browser = host.Client();

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/pay/{obligation.PayToken}"));

        Assert.Contains("href=\"upi://pay?pa=alice@okbank&pn=Alice&am=250.00&cu=INR&tn=Dinner%20%231\"", page);
        Assert.Contains("No SEPA QR code: it carries euros only.", page);
    }

    [Fact]
    public async Task I_paid_then_Received_settles_the_debt_and_shows_in_the_admin_API()
    {
        await using var host = TestHost.Start(AdminKey);
        var obligation = await BobOwesAliceAsync(host, "30 EUR", "paypal alicepp");
        using var browser = host.Client();

        using var claim = await browser.PostAsync($"/pay/{obligation.PayToken}/claim", null);
        Assert.Contains("is asked to confirm", await claim.Content.ReadAsStringAsync());
        Assert.Contains("You said you paid", await browser.GetStringAsync($"/pay/{obligation.PayToken}"));
        Assert.Equal("Open", (await AdminObligationAsync(host)).GetProperty("state").GetString());

        await PressAsync(host, "Alice", obligation, "received");

        var settled = await AdminObligationAsync(host);
        Assert.Equal("Paid", settled.GetProperty("state").GetString());
        Assert.Equal("p2p", settled.GetProperty("paidVia").GetString());
        Assert.Contains("Already paid", await browser.GetStringAsync($"/pay/{obligation.PayToken}"));
    }

    [Fact]
    public async Task Not_received_returns_the_debt_to_open_and_Bob_can_say_he_paid_again()
    {
        await using var host = TestHost.Start(AdminKey);
        var obligation = await BobOwesAliceAsync(host, "30 EUR", "paypal alicepp");
        using var browser = host.Client();
        await browser.PostAsync($"/pay/{obligation.PayToken}/claim", null);

        await PressAsync(host, "Alice", obligation, "not-received");

        Assert.Null((await host.Store.LoadObligationAsync(obligation.Id))!.ClaimedPaidAt);
        Assert.Contains("data-testid=\"i-paid\"", await browser.GetStringAsync($"/pay/{obligation.PayToken}"));
        await browser.PostAsync($"/pay/{obligation.PayToken}/claim", null);
        Assert.NotNull((await host.Store.LoadObligationAsync(obligation.Id))!.ClaimedPaidAt);
        Assert.Equal("Open", (await AdminObligationAsync(host)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_payee_without_a_handle_is_named_and_the_chats_gateway_is_offered()
    {
        await using var host = TestHost.Start(AdminKey);
        var obligation = await BobOwesAliceAsync(host, "30 EUR");
        using var browser = host.Client(followRedirects: false);

        var page = await browser.GetStringAsync($"/pay/{obligation.PayToken}");

        Assert.Contains("Alice has not said how to be paid yet", page);
        Assert.Contains($"href=\"/pay/{obligation.PayToken}?via=sandbox\"", page);
        Assert.Contains("Sandbox checkout", await browser.GetStringAsync($"/pay/{obligation.PayToken}?via=sandbox"));
    }
}
