using GroupPay.BotHost.Hosting;
using GroupPay.BotHost.Storage;

if (StorageMigrationCommand.Matches(args))
{
    return await StorageMigrationCommand.RunAsync(args, Console.Out);
}

var builder = GroupPayHost.CreateBuilder(args);
builder.AddGroupPay();

var app = builder.Build();
app.MapGroupPay();
app.Run();
return 0;

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
