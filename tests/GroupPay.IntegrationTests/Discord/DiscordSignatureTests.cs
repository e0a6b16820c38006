using System.Text;
using GroupPay.Channels.Discord;
using GroupPay.Dialogs.Cards;

namespace GroupPay.IntegrationTests.Discord;

public sealed class DiscordSignatureTests
{
    [Theory]
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public void Rfc8032_test_vectors_verify_and_a_changed_byte_does_not(string publicKey, string message, string signature)
    {
        var key = Convert.FromHexString(publicKey);
        var bytes = Convert.FromHexString(message);
        var sig = Convert.FromHexString(signature);

        Assert.True(DiscordSignature.Verify(key, bytes, sig));

        var forged = (byte[])sig.Clone();
        forged[5] ^= 1;
        Assert.False(DiscordSignature.Verify(key, bytes, forged));
        Assert.False(DiscordSignature.Verify(key, [.. bytes, 0], sig));
    }

    [Fact]
    public void A_Discord_shaped_request_verifies_over_timestamp_and_raw_body_within_five_minutes()
    {
        const string signature = "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f";
        var body = Encoding.UTF8.GetBytes("""{"type":1}""");
        var at = DateTimeOffset.FromUnixTimeSeconds(1700000000);

        Assert.True(Verifier(at.AddMinutes(4)).IsValid(signature, "1700000000", body));
        Assert.False(Verifier(at.AddMinutes(6)).IsValid(signature, "1700000000", body));
        Assert.False(Verifier(at.AddMinutes(-6)).IsValid(signature, "1700000000", body));
        Assert.False(Verifier(at).IsValid(signature, "1700000001", body));
        Assert.False(Verifier(at).IsValid(signature, "1700000000", Encoding.UTF8.GetBytes("""{"type":2}""")));
        Assert.False(Verifier(at).IsValid("not-hex", "1700000000", body));
        Assert.False(Verifier(at).IsValid(null, null, body));
    }

    [Fact]
    public void A_roster_larger_than_five_rows_of_five_keeps_its_actions_and_lists_the_other_pay_links_in_the_text()
    {
        var links = Enumerable.Range(1, 30).Select(i => CardButton.Link($"Member {i} pays", $"https://pay.example.test/pay/t{i}")).ToList();
        var card = new Card("#1 Party · 300.00 EUR", ["30 people"],
            [[CardButton.Callback("Remind", "tok-remind"), CardButton.Callback("Close", "tok-close")], .. links.Select(l => (IReadOnlyList<CardButton>)[l])]);

        var message = DiscordMessages.Card(card);

        var rows = message["components"]!.AsArray();
        Assert.InRange(rows.Count, 1, 5);
        Assert.All(rows, row => Assert.InRange(row!["components"]!.AsArray().Count, 1, 5));
        var buttons = InteractionAnswer.ButtonsOf(message).ToList();
        Assert.Equal(25, buttons.Count);
        Assert.Contains(buttons, b => b["custom_id"]?.GetValue<string>() == "tok-close");
        var content = message["content"]!.GetValue<string>();
        Assert.Contains("[Member 30 pays](https://pay.example.test/pay/t30)", content);
        Assert.DoesNotContain("[Member 1 pays]", content);
    }

    private static DiscordSignature Verifier(DateTimeOffset now) =>
        new(FakeDiscord.PublicKeyHex, new FixedTime(now), TimeSpan.FromMinutes(5));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
