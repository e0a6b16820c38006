namespace GroupPay.Dialogs.Engine;

public sealed class EngineOptions
{
    /// <summary>Base of the pay links <c>{PublicBaseUrl}/pay/{token}</c>.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
    /// <summary>The provider a chat uses until an admin picks another.</summary>
    public string DefaultProvider { get; set; } = "sandbox";
    public string DefaultCurrency { get; set; } = "EUR";
    public TimeSpan RedPacketLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How long a split stays open for joining (then it closes by itself) and a raffle waits for its draw (then it is cancelled).</summary>
    public TimeSpan JoinLifetime { get; set; } = TimeSpan.FromDays(7);
    /// <summary>Most obligation rows a card lists with their own buttons; the rest are summarised.</summary>
    public int MaxObligationRows { get; set; } = 20;
    /// <summary>In Development the sandbox is expected; elsewhere every card that relies on it says that no money moves.</summary>
    public bool IsDevelopment { get; set; } = true;
    /// <summary>
    /// Providers this host can take payments with (an admin may pick only these), and for the others the setting their
    /// operator must fill in. The host fills this from its configuration; by default every provider is available.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Providers { get; set; } = new Dictionary<string, string?>
    {
        ["sandbox"] = null, ["stripe"] = null, ["telegram"] = null, ["p2p"] = null,
    };

    /// <summary>Least time between two reminders of one flow.</summary>
    public TimeSpan ReminderCooldown { get; set; } = TimeSpan.FromMinutes(10);
}
