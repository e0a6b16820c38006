using System.Net;
using System.Net.Sockets;
using GroupPay.BotHost.Hosting;
using GroupPay.Dialogs.Engine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupPay.IntegrationTests;

/// <summary>
/// The real BotHost on a real loopback port (Kestrel), over its own LiteDB file in a temporary folder. Restart keeps
/// the folder, as a restarted host keeps its data.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private Factory factory;

    private TestHost(string dataFolder, Dictionary<string, string?> settings)
    {
        DataFolder = dataFolder;
        this.settings = settings;
        factory = Start();
    }

    public string DataFolder { get; }
    public int Port { get; private set; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public IServiceProvider Services => factory.Services;
    public Turns Turns => Services.GetRequiredService<Turns>();
    public IGroupPayStore Store => Services.GetRequiredService<IGroupPayStore>();

    public static TestHost Start(string? adminKey = "it-admin-key-0123456789", params (string Key, string? Value)[] extra)
    {
        var folder = Path.Combine(Path.GetTempPath(), "grouppay-it", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:LiteDb:Path"] = Path.Combine(folder, "grouppay.db"),
            ["Admin:ApiKey"] = adminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return new TestHost(folder, settings);
    }

    public HttpClient Client(bool followRedirects = true) => new(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = BaseAddress };

    public async Task RestartAsync()
    {
        await factory.DisposeAsync();
        factory = Start();
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be closing; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>
    /// Starts the host on a free port. Under a loaded parallel run, <c>WebApplicationFactory</c> sometimes sets the port
    /// after Kestrel already started ("Addresses cannot be modified after the server has started"), or the port is
    /// taken between probing and binding; a fresh factory on a fresh port then starts fine.
    /// </summary>
    private Factory Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            settings["Payments:PublicBaseUrl"] = $"http://127.0.0.1:{Port}";
            var started = new Factory(settings);
            // An explicit endpoint rather than UseKestrel(port): the factory's port override clears the server's addresses
            // after Build, which races the entry point's own start under load ("Addresses cannot be modified …").
            var port = Port;
            started.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            try
            {
                started.StartServer();
                return started;
            }
            catch (Exception exception) when (attempt < 3 && exception is InvalidOperationException or IOException)
            {
                // The free port was taken between probing and binding; try another.
                started.Dispose();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Factory(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
