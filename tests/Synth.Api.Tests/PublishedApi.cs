using System.Text.RegularExpressions;

namespace Synth.Api.Tests;

/// <summary>
/// The API as deployed: published once (from the build the tests run on) into a temp folder and started with
/// <c>dotnet Synth.Api.dll</c> from another working directory, with no appsettings.json, running the pipeline.
/// </summary>
public sealed partial class PublishedApi : IAsyncLifetime
{
    public const string Key = "published-key-0123456789";

    private readonly string _folder = Directory.CreateTempSubdirectory("synth-published-api-").FullName;
    private ChildProcess? _api;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The working directory the API was started in: neither the repository nor the published folder.</summary>
    public string WorkingDirectory => Path.Combine(_folder, "elsewhere");

    public string PublishFolder => Path.Combine(_folder, "publish");

    public string Output => _api?.Output ?? "";

    public async Task InitializeAsync()
    {
        // "dotnet publish" of the build the tests run on: a publish, without building again.
        using (var publish = ChildProcess.StartDotnet("dotnet publish", "publish",
            [Path.Combine(RepoPaths.Root, "services/hosts/Synth.Api/Synth.Api.csproj"), "-c", RepoPaths.Configuration, "--no-build", "-nologo", "-o", PublishFolder],
            new Dictionary<string, string?>(), RepoPaths.Root))
        {
            var published = await publish.WaitForExitAsync(TimeSpan.FromMinutes(3));
            Assert.True(published == 0, publish.Tail());
        }

        Directory.CreateDirectory(WorkingDirectory);
        _api = ChildProcess.StartDotnet("published api", Path.Combine(PublishFolder, "Synth.Api.dll"), [], new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Api__RunPipeline"] = "true",
            ["Api__Keys__0__Name"] = "tester",
            ["Api__Keys__0__Key"] = Key,
            ["Api__Keys__0__Role"] = "admin",
            ["Store__SqlitePath"] = Path.Combine(_folder, "synth.db"),
        }, WorkingDirectory);
        BaseUrl = await ListeningAddressAsync(_api, TimeSpan.FromMinutes(1));
    }

    public Task DisposeAsync()
    {
        _api?.Terminate(TimeSpan.FromSeconds(30));
        _api?.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<Uri> ListeningAddressAsync(ChildProcess api, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (ListeningOn().Match(api.Output) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }

            Assert.False(api.HasExited, api.Tail());
            await Task.Delay(100);
        }

        throw new TimeoutException($"The published API did not start listening within {timeout}.\n{api.Tail()}");
    }

    // Kestrel's start-up line, "Now listening on: http://127.0.0.1:40123".
    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
