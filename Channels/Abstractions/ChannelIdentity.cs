namespace GroupPay.Channels.Abstractions;

public static class ChannelIdentity
{
    /// <summary>The channel of a chat key <c>{channel}:{chatId}</c>.</summary>
    public static string ChannelOf(string chatKey)
    {
        var colon = chatKey.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? chatKey : chatKey[..colon];
    }
}
