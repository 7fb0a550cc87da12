using System.Globalization;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>
/// Entry point of this test assembly when run as a console: the child writer process of the multi-process
/// SQLite test. The test runner itself never calls it.
/// </summary>
public static class Program
{
    public const string WriteSamplesCommand = "write-samples";
    public const int SamplesPerRequest = 5;

    public static async Task<int> Main(string[] args)
    {
        if (args is not [WriteSamplesCommand, var databasePath, var jobId, var writer, var count])
        {
            await Console.Error.WriteLineAsync($"usage: {WriteSamplesCommand} <database-path> <job-id> <writer> <count>");
            return 2;
        }
        var store = SqliteStores.Open(databasePath).Samples;
        await store.InitializeAsync(CancellationToken.None);
        await WriteSamplesAsync(store, jobId, int.Parse(writer, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>Writes <paramref name="count"/> samples: the first half one by one, the rest as requests of five.</summary>
    public static async Task WriteSamplesAsync(ISampleStore store, string jobId, int writer, int count)
    {
        for (var r = 0; r < count / SamplesPerRequest; r++)
        {
            var request = writer * 100_000L + r;
            var samples = Enumerable.Range(0, SamplesPerRequest).Select(i => Sample(jobId, request, i)).ToList();
            if (r < count / SamplesPerRequest / 2)
            {
                foreach (var sample in samples)
                {
                    await store.SaveSampleAsync(sample, CancellationToken.None);
                }
            }
            else
            {
                await store.SaveRequestAsync(Request(jobId, request, samples), samples, CancellationToken.None);
            }
        }
    }
}
