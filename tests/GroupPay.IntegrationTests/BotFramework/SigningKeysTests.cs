using GroupPay.Channels.BotFramework;
using Microsoft.Extensions.Time.Testing;

namespace GroupPay.IntegrationTests.BotFramework;

/// <summary>The signing keys are cached, refreshed after a day, and re-read early (at most every five minutes) for a key we do not know.</summary>
public sealed class SigningKeysTests
{
    [Fact]
    public async Task Keys_are_cached_refreshed_after_a_day_and_re_read_for_an_unknown_key_at_most_every_five_minutes()
    {
        await using var fake = await FakeBotFramework.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        var keys = new BotFrameworkSigningKeys(http, new Uri(fake.MetadataUrl), clock);

        var first = await keys.GetAsync(CancellationToken.None);
        await keys.GetAsync(CancellationToken.None);
        Assert.Equal(FakeBotFramework.Issuer, first.Issuer);
        Assert.Equal(["msteams", "emulator", "webchat"], first.Endorsements[FakeBotFramework.KeyId]);
        Assert.Equal(1, fake.MetadataReads);

        fake.RotateKey();
        var tooSoon = await keys.RefreshForUnknownKeyAsync(CancellationToken.None);
        Assert.Equal(1, fake.MetadataReads);
        Assert.DoesNotContain(tooSoon.Keys, k => k.KeyId == fake.CurrentKeyId);

        clock.Advance(BotFrameworkSigningKeys.UnknownKeyRefreshInterval + TimeSpan.FromSeconds(1));
        var rotated = await keys.RefreshForUnknownKeyAsync(CancellationToken.None);
        Assert.Equal(2, fake.MetadataReads);
        Assert.Contains(rotated.Keys, k => k.KeyId == fake.CurrentKeyId);

        clock.Advance(BotFrameworkSigningKeys.RefreshAfter - TimeSpan.FromMinutes(1));
        await keys.GetAsync(CancellationToken.None);
        Assert.Equal(2, fake.MetadataReads);
        clock.Advance(TimeSpan.FromMinutes(2));
        await keys.GetAsync(CancellationToken.None);
        Assert.Equal(3, fake.MetadataReads);
    }

    [Fact]
    public async Task A_token_signed_with_a_rotated_key_is_accepted_once_the_keys_are_re_read()
    {
        await using var fake = await FakeBotFramework.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        var options = new BotFrameworkOptions { AppId = FakeBotFramework.AppId, OpenIdMetadataUrl = fake.MetadataUrl };
        var authenticator = new BotFrameworkAuthenticator(options, new BotFrameworkSigningKeys(http, options.EffectiveOpenIdMetadataUrl, clock), clock);
        Assert.NotNull(await authenticator.ValidateAsync("Bearer " + fake.Token(), CancellationToken.None));

        fake.RotateKey();
        clock.Advance(TimeSpan.FromMinutes(6));
        var verified = await authenticator.ValidateAsync("Bearer " + fake.Token(), CancellationToken.None);

        Assert.NotNull(verified);
        Assert.Equal(fake.ServiceUrl, verified.ServiceUrl);
    }

    [Fact]
    public async Task Lifetime_is_judged_on_the_injected_clock_with_five_minutes_of_skew()
    {
        await using var fake = await FakeBotFramework.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        var options = new BotFrameworkOptions { AppId = FakeBotFramework.AppId, OpenIdMetadataUrl = fake.MetadataUrl };
        var authenticator = new BotFrameworkAuthenticator(options, new BotFrameworkSigningKeys(http, options.EffectiveOpenIdMetadataUrl, clock), clock);
        var token = "Bearer " + fake.Token(expires: clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.NotNull(await authenticator.ValidateAsync(token, CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await authenticator.ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task When_the_metadata_endpoint_is_down_the_keys_already_read_stay_in_use()
    {
        var fake = await FakeBotFramework.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        var keys = new BotFrameworkSigningKeys(http, new Uri(fake.MetadataUrl), clock);
        var before = await keys.GetAsync(CancellationToken.None);

        await fake.DisposeAsync();
        clock.Advance(BotFrameworkSigningKeys.RefreshAfter + TimeSpan.FromHours(1));
        var during = await keys.GetAsync(CancellationToken.None);

        Assert.Same(before, during);
    }
}
