using GroupPay.BotHost.Admin;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Payments;
using GroupPay.BotHost.Telegram;
using GroupPay.Channels.BotFramework;
using GroupPay.Channels.Discord;
using GroupPay.Channels.Playground;
using GroupPay.Dialogs.Engine;

namespace GroupPay.Bench.MemoryHost;

/// <summary>
/// BotHost's own start-up (BotHost/Program.cs), step for step, with one difference: turns are stored by
/// <see cref="MemoryStore"/>. The side stores (payment attempts, Telegram's channel state) stay on LiteDB as in the host.
/// </summary>
public static class MemoryHostProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        builder.WebHost.UseKestrelHttpsConfiguration();

        builder.AddGroupPayOptions();
        builder.AddGroupPayStorage();
        builder.Services.AddSingleton<IGroupPayStore, MemoryStore>();
        builder.AddGroupPayEngine();
        builder.AddSandboxPayments();
        builder.AddPaymentProviders();
        builder.AddBotFramework();
        builder.AddDiscord();
        builder.AddTelegram();
        builder.AddPlayground();

        var app = builder.Build();

        app.MapOperations();
        app.MapPayments();
        app.MapAdminApi();
        app.MapBotFramework();
        app.MapDiscord();
        app.MapTelegram();
        app.MapPlayground();

        app.Run();
    }
}
