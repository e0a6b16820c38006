using System.Globalization;

namespace GroupPay.ReliabilityTests;

/// <summary>
/// Sizes of the suite: the default run (part of <c>scripts/test.sh</c>) or the long run, selected by
/// <c>GROUPPAY_LONG_RUN=1</c>. Each test reports its figures (<see cref="Report"/>) to the file named by
/// <c>GROUPPAY_RELIABILITY_FIGURES</c>, when set, for docs/reliability.md.
/// </summary>
public static class Scale
{
    public static bool Long => Environment.GetEnvironmentVariable("GROUPPAY_LONG_RUN") == "1";

    public static int CrashTrials => Long ? 1000 : 50;
    public static int FuzzInputs => Long ? 1_000_000 : 50_000;
    public static int OutboundCards => Long ? 200 : 24;
    public static int DuplicateRounds => Long ? 10 : 2;

    private static readonly Lock Gate = new();

    public static void Report(string test, params (string Name, long Value)[] figures)
    {
        var line = $"{DateTimeOffset.UtcNow:O} {test} {string.Join(' ', figures.Select(f => $"{f.Name}={f.Value.ToString(CultureInfo.InvariantCulture)}"))}";
        TestContext.Current.SendDiagnosticMessage(line);
        if (Environment.GetEnvironmentVariable("GROUPPAY_RELIABILITY_FIGURES") is { Length: > 0 } path)
        {
            lock (Gate)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}
