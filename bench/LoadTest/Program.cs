using System.Globalization;
using GroupPay.Bench.LoadTest;

// dotnet run -c Release --project bench/LoadTest [-- --seconds 10 --warmup 15 --max-requests 200000 --connections 1,10,40 --groups 1000
//   --only both|baseline|send|full|memory --fill-flows 10000] ("both", the default, runs every target; "memory" the memory
//   store without and with its flushed log)
// Internal: "baseline-server <port> <db> [flush] [send <bot api url>]" runs the baseline endpoint (the load test starts
// itself that way).
if (args is ["baseline-server", var portText, var dbPath, .. var rest])
{
    var sendTo = rest.SkipWhile(a => a != "send").Skip(1).FirstOrDefault();
    await BaselineServer.RunAsync(int.Parse(portText, CultureInfo.InvariantCulture), dbPath, flush: rest.Contains("flush"), sendTo);
    return 0;
}

var settings = LoadSettings.Parse(args);
var runner = new LoadRunner(settings, Console.Out);
return await runner.RunAsync();
