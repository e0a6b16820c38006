using System.Globalization;
using GroupPay.Bench.LoadTest;

// dotnet run -c Release --project bench/LoadTest [-- --seconds 10 --warmup 15 --max-requests 200000 --connections 1,10,40 --groups 1000]
// Internal: "baseline-server <port> <db> [flush]" runs the baseline endpoint (the load test starts itself that way).
if (args is ["baseline-server", var portText, var dbPath, .. var rest])
{
    await BaselineServer.RunAsync(int.Parse(portText, CultureInfo.InvariantCulture), dbPath, flush: rest is ["flush"]);
    return 0;
}

var settings = LoadSettings.Parse(args);
var runner = new LoadRunner(settings, Console.Out);
return await runner.RunAsync();
