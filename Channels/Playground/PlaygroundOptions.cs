namespace GroupPay.Channels.Playground;

public sealed class PlaygroundOptions
{
    public const string Section = "Playground";

    /// <summary>On by default in Development; elsewhere only when set to true.</summary>
    public bool? Enabled { get; set; }
}
