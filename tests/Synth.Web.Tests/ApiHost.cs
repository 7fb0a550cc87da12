using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Web.Tests;

/// <summary>The real API on a Kestrel port over a SQLite file in a temp folder, with extra settings (e.g. running the pipeline).</summary>
public sealed class ApiHost : WebApplicationFactory<Program>
{
    public const string ReviewerName = "rita";
    public const string Key = "rita-key-0123456789abcdef";
    public const string ViewerKey = "vic-viewer-key-0123456789";

    private readonly string _folder = Directory.CreateTempSubdirectory("synth-web-tests-").FullName;
    private readonly Dictionary<string, string?> _settings;

    public ApiHost(IReadOnlyDictionary<string, string?> settings)
    {
        DatabasePath = Path.Combine(_folder, "synth.db");
        _settings = new Dictionary<string, string?>(settings)
        {
            ["Store:Provider"] = "Sqlite",
            ["Store:SqlitePath"] = DatabasePath,
            ["Api:Keys:0:Name"] = ReviewerName,
            ["Api:Keys:0:Key"] = Key,
            ["Api:Keys:0:Role"] = "admin",
            ["Api:Keys:1:Name"] = "vic",
            ["Api:Keys:1:Key"] = ViewerKey,
            ["Api:Keys:1:Role"] = "viewer",
        };
        UseKestrel(0);
        StartServer();
        BaseUrl = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public string DatabasePath { get; }

    public Uri BaseUrl { get; }

    public SynthStores Stores() => SqliteStores.Open(DatabasePath);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_folder))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
