namespace GroupPay.Channels.BotFramework;

/// <summary>
/// <c>BotFramework:*</c>. With no <see cref="AppId"/> the channel runs in Emulator mode: no token is checked inbound or
/// sent outbound, and only loopback callers are served.
/// </summary>
public sealed class BotFrameworkOptions
{
    public const string Section = "BotFramework";
    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string ConnectorScope = "https://api.botframework.com/.default";

    public string? AppId { get; set; }
    public string? AppPassword { get; set; }
    /// <summary>Set for a single-tenant bot: tokens then come from that tenant instead of botframework.com.</summary>
    public string? TenantId { get; set; }
    public string? OpenIdMetadataUrl { get; set; }
    public string? TokenEndpoint { get; set; }

    public bool EmulatorMode => string.IsNullOrWhiteSpace(AppId);

    public Uri EffectiveOpenIdMetadataUrl =>
        new(string.IsNullOrWhiteSpace(OpenIdMetadataUrl) ? DefaultOpenIdMetadataUrl : OpenIdMetadataUrl);

    public Uri EffectiveTokenEndpoint => new(!string.IsNullOrWhiteSpace(TokenEndpoint)
        ? TokenEndpoint
        : $"https://login.microsoftonline.com/{(string.IsNullOrWhiteSpace(TenantId) ? "botframework.com" : Uri.EscapeDataString(TenantId))}/oauth2/v2.0/token");
}
