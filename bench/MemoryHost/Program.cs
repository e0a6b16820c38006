using GroupPay.BotHost.Hosting;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Bench.MemoryHost;

/// <summary>
/// BotHost's own start-up (BotHost/Program.cs) with one difference: turns are stored by <see cref="MemoryStore"/>. The
/// side stores (payment attempts, Telegram's channel state) stay on LiteDB as in the host.
/// </summary>
public static class MemoryHostProgram
{
    public static void Main(string[] args)
    {
        var builder = GroupPayHost.CreateBuilder(args);
        builder.AddGroupPay();
        builder.Services.AddSingleton<IGroupPayStore, MemoryStore>();

        var app = builder.Build();
        app.MapGroupPay();
        app.Run();
    }
}
