using System.Diagnostics;
using System.Globalization;

namespace GroupPay.Bench.LoadTest;

/// <summary>A server the load test started (the real host or the baseline), its memory read from /proc.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private ChildProcess(Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        Port = port;
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public static async Task<ChildProcess> StartAsync(string fileName, IEnumerable<string> arguments, int port, string folder, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var child = new ChildProcess(process, folder, port);
        process.OutputDataReceived += (_, e) => child.Echo(e.Data);
        process.ErrorDataReceived += (_, e) => child.Echo(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await child.WaitHealthyAsync();
        return child;
    }

    /// <summary>Peak and current resident memory in MiB (VmHWM, VmRSS).</summary>
    public (double Peak, double Current) Memory()
    {
        double Read(string[] lines, string name) =>
            lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                ? double.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024
                : double.NaN;

        var status = File.ReadAllLines($"/proc/{process.Id}/status");
        return (Read(status, "VmHWM:"), Read(status, "VmRSS:"));
    }

    /// <summary>
    /// Starts the peak resident memory (VmHWM) again from the current one (Linux: 5 written to <c>/proc/pid/clear_refs</c>),
    /// so a later <see cref="Memory"/> gives the peak of what came after. False where that cannot be done.
    /// </summary>
    public bool ResetPeakMemory()
    {
        try
        {
            File.WriteAllText($"/proc/{process.Id}/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Total CPU time the process used so far (user + system), from /proc.</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private void Echo(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Console.Error.WriteLine($"  [server {process.Id}] {line}");
        }
    }

    private async Task WaitHealthyAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it was healthy.");
            }

            try
            {
                using var response = await client.GetAsync(BaseUrl + "/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The server did not become healthy within 60 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
