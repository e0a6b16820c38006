using GroupPay.BotHost.Admin;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Payments;
using GroupPay.BotHost.Storage;
using GroupPay.BotHost.Telegram;
using GroupPay.Channels.BotFramework;
using GroupPay.Channels.Discord;
using GroupPay.Channels.Playground;

if (StorageMigrationCommand.Matches(args))
{
    return await StorageMigrationCommand.RunAsync(args, Console.Out);
}

// Settings are read at start only: a watcher on the content root would also see every write of the LiteDB file under
// data/ and wake for each (about a tenth of the host's CPU under load). "--hostBuilder:reloadConfigOnChange=true" turns it back on.
// The slim builder leaves out what a bot host does not use (IIS, HTTP/3, regex route constraints, hosting startup
// assemblies): fewer assemblies loaded and compiled. HTTPS endpoints from configuration ("Kestrel:Endpoints") still work.
var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.WebHost.UseKestrelHttpsConfiguration();

builder.AddGroupPayOptions();
builder.AddGroupPayStorage();
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
return 0;

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
