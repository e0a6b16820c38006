using GroupPay.BotHost.Admin;
using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Payments;
using GroupPay.Channels.Playground;

var builder = WebApplication.CreateBuilder(args);

builder.AddGroupPayOptions();
builder.AddGroupPayStorage();
builder.AddGroupPayEngine();
builder.AddSandboxPayments();
builder.AddPlayground();

var app = builder.Build();

app.MapOperations();
app.MapPayments();
app.MapAdminApi();
app.MapPlayground();

app.Run();

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
