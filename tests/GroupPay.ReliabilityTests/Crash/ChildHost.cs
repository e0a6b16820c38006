using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GroupPay.ReliabilityTests.Crash;

/// <summary>
/// The real BotHost as a separate process (<c>dotnet GroupPay.BotHost.dll</c> from the build output), configured by
/// environment variables, so it can be killed with SIGKILL and started again over the same data folder.
/// </summary>
public sealed class ChildHost : IAsyncDisposable
{
    private readonly Process process;

    private ChildHost(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The BotHost build of the same configuration as this test assembly (…/bin/{Configuration}/net10.0/), or GROUPPAY_BOTHOST_DLL.</summary>
    public static string BotHostDll()
    {
        if (Environment.GetEnvironmentVariable("GROUPPAY_BOTHOST_DLL") is { Length: > 0 } configured)
        {
            return configured;
        }

        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "GroupPay.slnx")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Repository root not found."),
            "BotHost", "bin", configuration, framework, "GroupPay.BotHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build BotHost first.", dll);
    }

    public static async Task<ChildHost> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var dll = BotHostDll();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Payments__PublicBaseUrl"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        // Drain the child's output so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildHost(process, port);
        await child.WaitReadyAsync();
        return child;
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>SIGKILL: no shutdown hook, no flush, no outbox drain.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    private async Task WaitReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The child host exited with {process.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting slowly under load.
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Kill();
                throw new TimeoutException("The child host did not become healthy within 60 s.");
            }

            await Task.Delay(25);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
