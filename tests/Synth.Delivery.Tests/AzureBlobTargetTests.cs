using Azure.Storage.Blobs;
using Synth.Contracts.Datasets;
using Synth.Contracts.Jobs;
using Synth.Delivery.Processor;
using static Synth.Delivery.Tests.SinkRuns;

namespace Synth.Delivery.Tests;

/// <summary>
/// The dataset sink on Azure Blob Storage (Azurite): a trainer that copies the job's blobs and reads them through the
/// manifest gets every row once, and a sink restarted from the committed offset resumes from the container's manifest.
/// </summary>
public sealed class AzureBlobTargetTests : IAsyncLifetime
{
    private const string Job = "blob-job";
    private readonly BlobContainerClient _container = new(
        Environment.GetEnvironmentVariable(AzuriteFactAttribute.Variable) ?? "UseDevelopmentStorage=true", "synth-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _download = Directory.CreateTempSubdirectory("synth-blob-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Directory.Delete(_download, recursive: true);
        if (Environment.GetEnvironmentVariable(AzuriteFactAttribute.Variable) is { Length: > 0 })
        {
            await _container.DeleteIfExistsAsync();
        }
    }

    [AzuriteFact]
    public async Task Killed_mid_shard_and_restarted_the_sink_resumes_from_the_containers_manifest_with_no_row_lost_or_duplicated()
    {
        const int Count = 50;
        var log = SinkRuns.Partition(Job, Count);
        var policy = new ShardPolicy(MaxRows: 8, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromHours(1));
        var options = new DatasetSinkOptions
        {
            Target = DatasetSinkOptions.AzureBlobTarget,
            AzureBlobConnectionString = Environment.GetEnvironmentVariable(AzuriteFactAttribute.Variable)!,
            AzureBlobContainer = _container.Name,
        };

        using (var killed = new CancellationTokenSource())
        {
            var sink = Sink(DatasetSinkStage.CreateTarget(options), policy);
            var delivered = log.Deliver(sink, killed.Token);
            await SettleAsync(sink, delivered);
            log.Commit(delivered);
            await killed.CancelAsync();
            await Task.WhenAll(delivered.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        Assert.InRange(log.Committed, 1, Count - 1);
        var restarted = Sink(DatasetSinkStage.CreateTarget(options), policy);
        await DrainAsync(restarted, log.Deliver(restarted, CancellationToken.None));

        var rows = DuckDbDatasetReader.Read(await DownloadAsync(Job));
        Assert.Equal(Count, rows.Count);
        Assert.Equal(Count, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(DatasetSplit.Of(r.Id, new ExportSpec()), r.Split));
    }

    [AzuriteFact]
    public async Task A_job_with_no_manifest_yet_reads_as_none()
    {
        var target = new AzureBlobTarget(_container);

        Assert.Null(await target.ReadManifestAsync("no-such-job", 0, CancellationToken.None));
    }

    [AzuriteFact]
    public async Task A_manifest_replacement_built_on_an_older_manifest_is_refused()
    {
        var target = new AzureBlobTarget(_container);
        var first = DatasetManifest.Empty(Job, 1, 1, Records.Now) with { Sequence = 1 };
        await target.ReplaceManifestAsync(Job, first, CancellationToken.None);

        // Another writer built on the same (no) manifest: refused; the one built on the stored one goes through.
        await Assert.ThrowsAsync<ManifestConflictException>(() => target.ReplaceManifestAsync(Job, first, CancellationToken.None));
        await target.ReplaceManifestAsync(Job, first with { Sequence = 2 }, CancellationToken.None);

        Assert.Equal(2, (await target.ReadManifestAsync(Job, 1, CancellationToken.None))!.Sequence);
        Assert.Null(await target.ReadManifestAsync(Job, 0, CancellationToken.None));
    }

    /// <summary>What a trainer on another machine does: copies the job's blobs to a local folder.</summary>
    private async Task<string> DownloadAsync(string jobId)
    {
        var folder = Path.Combine(_download, jobId);
        await foreach (var blob in _container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, jobId + "/", CancellationToken.None))
        {
            var path = Path.Combine(_download, blob.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await _container.GetBlobClient(blob.Name).DownloadToAsync(path);
        }

        return folder;
    }
}
