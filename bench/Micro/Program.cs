using BenchmarkDotNet.Running;
using GroupPay.Bench.Micro;

// dotnet run -c Release --project bench/Micro -- --filter '*'          (all)
// dotnet run -c Release --project bench/Micro -- --filter '*SettleUp*' (one class)
BenchmarkSwitcher.FromAssembly(typeof(SettleUp).Assembly).Run(args);
