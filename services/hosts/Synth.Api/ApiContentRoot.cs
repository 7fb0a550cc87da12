namespace Synth.Api;

/// <summary>Where the API finds its files (wwwroot, appsettings.json).</summary>
public static class ApiContentRoot
{
    /// <summary>
    /// The API's own folder when it is a published output (its wwwroot beside the assembly), so <c>dotnet Synth.Api.dll</c>
    /// serves the web UI from any working directory; otherwise null: the default (the working directory, and in
    /// development the project's static web assets).
    /// </summary>
    public static string? Published() =>
        Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot")) ? AppContext.BaseDirectory : null;
}
