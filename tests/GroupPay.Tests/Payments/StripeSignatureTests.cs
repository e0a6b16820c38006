using System.Security.Cryptography;
using System.Text;
using GroupPay.Payments.Providers.Stripe;
using Stripe;

namespace GroupPay.Tests.Payments;

/// <summary>Stripe-Signature against the stripe-dotnet test vector (payments.md §1.3) and the API-version trap (§1.4).</summary>
public sealed class StripeSignatureTests
{
    private const string Secret = "webhook_secret";
    private const long Timestamp = 1533204620;
    private const string ExpectedV1 = "2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";
    private const string Header = $"t=1533204620,v1={ExpectedV1},v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";

    /// <summary>stripe-dotnet's <c>event_test_signature.json</c>: 484 bytes, LF line endings, final LF. Built line by line so a checkout's line endings cannot change it.</summary>
    private static readonly byte[] Vector = Encoding.UTF8.GetBytes(string.Join('\n',
        "{",
        "  \"id\": \"evt_123\",",
        "  \"object\": \"event\",",
        "  \"account\": \"acct_123\",",
        "  \"api_version\": \"2017-05-25\",",
        "  \"created\": 1533204620,",
        "  \"data\": {",
        "    \"object\": {",
        "      \"id\": \"cus_123\",",
        "      \"object\": \"customer\",",
        "      \"created\": 123456789,",
        "      \"email\": \"test@stripe.com\",",
        "      \"livemode\": false,",
        "      \"metadata\": {}",
        "    }",
        "  },",
        "  \"livemode\": false,",
        "  \"pending_webhooks\": 1,",
        "  \"request\": {",
        "    \"id\": \"req_123\",",
        "    \"idempotency_key\": \"idempotency-key-123\"",
        "  },",
        "  \"type\": \"customer.created\"",
        "}",
        ""));

    private static DateTimeOffset At(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    private static bool Verify(byte[] body, string? header, long now, params string[] secrets) =>
        StripeSignature.Verify(body, header, secrets, At(now), StripeSignature.DefaultTolerance);

    [Fact]
    public void The_vector_is_the_exact_484_bytes()
    {
        Assert.Equal(484, Vector.Length);
        Assert.Equal("98cc89412549ca7faf118fca984763bdb6f81e13d1ce8c528dbbb5be602ec1be", Convert.ToHexStringLower(SHA256.HashData(Vector)));
    }

    [Fact]
    public void The_stripe_dotnet_vector_verifies_100_seconds_later()
    {
        Assert.True(Verify(Vector, Header, Timestamp + 100, Secret));
        Assert.Equal($"t=1533204620,v1={ExpectedV1}", StripeSignature.Sign(Vector, Secret, At(Timestamp)));
        Assert.Equal(ExpectedV1, EventUtility.ComputeSignature(Secret, "1533204620", Encoding.UTF8.GetString(Vector)));
    }

    [Fact]
    public void Four_hundred_seconds_is_outside_the_300_second_tolerance_either_way()
    {
        Assert.False(Verify(Vector, Header, Timestamp + 400, Secret));
        Assert.False(Verify(Vector, Header, Timestamp - 400, Secret));
        Assert.True(Verify(Vector, Header, Timestamp + 300, Secret));
    }

    [Fact]
    public void A_wrong_secret_a_tampered_body_or_CRLF_line_endings_fail()
    {
        Assert.False(Verify(Vector, Header, Timestamp, "whsec_other"));
        var tampered = (byte[])Vector.Clone();
        tampered[Array.IndexOf(tampered, (byte)'1')] = (byte)'2';
        Assert.False(Verify(tampered, Header, Timestamp, Secret));
        var crlf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Vector).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.False(Verify(crlf, Header, Timestamp, Secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("t=1533204620")]
    [InlineData("v1=" + ExpectedV1)]
    [InlineData("t=abc,v1=" + ExpectedV1)]
    [InlineData("t=1533204620,v1")]
    [InlineData("t=1533204620,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef")]
    public void Malformed_headers_fail(string? header) => Assert.False(Verify(Vector, header, Timestamp, Secret));

    [Fact]
    public void Any_v1_may_match_any_of_two_configured_secrets()
    {
        var twoSignatures = $"t=1533204620,v1={new string('0', 64)},v1={ExpectedV1}";
        Assert.True(Verify(Vector, twoSignatures, Timestamp, "whsec_new", Secret));
        Assert.Equal(["whsec_a", "whsec_b"], StripeSignature.Secrets(" whsec_a , whsec_b "));
        Assert.Empty(StripeSignature.Secrets(null));
    }

    [Fact]
    public void ConstructEvent_with_its_defaults_throws_on_an_event_of_another_API_version_where_our_check_passes()
    {
        var json = Encoding.UTF8.GetString(Vector);

        var trap = Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(json, Header, Secret, 300, Timestamp + 100));

        Assert.Contains("API version", trap.Message);
        Assert.True(Verify(Vector, Header, Timestamp + 100, Secret));
        Assert.Equal("2026-10-28.endive", StripeConfiguration.ApiVersion);
    }
}
