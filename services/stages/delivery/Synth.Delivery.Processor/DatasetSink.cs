using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Delivery;
using Synth.Messaging;

namespace Synth.Delivery.Processor;

/// <summary>
/// Handles <see cref="Topics.Curated"/> records: each goes into the open shard of its job and partition
/// (<see cref="JobDataset{TAck}"/>, one manifest per job and partition), and the handler returns only once a sealed
/// shard and the manifest naming it are written. The transport marks a record consumed when its handler returns, so
/// an offset is committed only after the manifest holds its row: killed at any moment, the sink loses no row
/// (uncommitted records come again) and duplicates none (a record whose version the manifest already holds is
/// acknowledged without a row). Instances in one consumer group each write the manifests of the partitions they own;
/// when a rebalance moves a partition, the new owner restores it from its manifest, and a manifest written by another
/// owner meanwhile makes this instance's next seal of it fail (<see cref="ManifestConflictException"/>): its records
/// are failed back, and the partition's state is restored from the manifest on its next record.
/// </summary>
public sealed partial class DatasetSink(IDatasetTarget target, ShardPolicy policy, TimeProvider time, ILogger<DatasetSink> logger) : IMessageHandler
{
    private readonly ConcurrentDictionary<(string JobId, int Partition), Lazy<Task<JobState>>> _jobs = new();

    public async Task HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var origin = new RecordOrigin(message.Topic, message.Partition, message.Offset);
        // The in-process bus has no partitions: its records all go to partition 0's manifest.
        var partition = Math.Max(message.Partition, 0);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JobState job;
        Admission? admission;
        if (message.Value.Length == 0)
        {
            var (sampleId, jobId, version) = TombstoneOf(message);
            do
            {
                job = await JobAsync(jobId, partition, cancellationToken).ConfigureAwait(false);
                lock (job)
                {
                    admission = job.Dropped ? null : job.Dataset.Remove(sampleId, version, origin, done, time.GetUtcNow());
                }
            }
            while (admission is null);
        }
        else
        {
            CuratedRecord record;
            try
            {
                record = CuratedRecord.Parse(message.Value);
            }
            catch (JsonException ex)
            {
                // A record nobody can read never becomes a row; skipping it keeps the partition moving.
                LogUnreadable(logger, message.Topic, message.Partition, message.Offset, ex.Message);
                return;
            }

            var row = DatasetColumns.Row(record);
            do
            {
                job = await JobAsync(record.JobId, partition, cancellationToken).ConfigureAwait(false);
                lock (job)
                {
                    // A job has one task type; its records say which (a tombstone does not, nor does the manifest).
                    job.TaskType = record.TaskType;
                    admission = job.Dropped ? null : job.Dataset.Offer(row, origin, done, time.GetUtcNow());
                }
            }
            while (admission is null);
        }

        if (admission == Admission.AlreadyIn)
        {
            return;
        }

        // A full shard is sealed by the record that filled it; one below the limits waits for SealDueAsync's age check.
        await SealAsync(job, everything: false, cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records held, over every job: they are acknowledged when their shard (or, for a tombstone, the next manifest) is sealed.</summary>
    public int PendingRecords => Jobs().Sum(job =>
    {
        lock (job)
        {
            return job.Dataset.PendingRecords;
        }
    });

    /// <summary>Seals every job's due shards (age limit); with <paramref name="everything"/>, all that is buffered (shutdown).</summary>
    public async Task SealDueAsync(bool everything, CancellationToken cancellationToken)
    {
        foreach (var job in Jobs())
        {
            await SealAsync(job, everything, cancellationToken).ConfigureAwait(false);
        }
    }

    private IEnumerable<JobState> Jobs() =>
        _jobs.Values.Where(j => j.IsValueCreated && j.Value.IsCompletedSuccessfully).Select(j => j.Value.Result).ToList();

    private async Task SealAsync(JobState job, bool everything, CancellationToken cancellationToken)
    {
        await job.Sealing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SealPlan<TaskCompletionSource>? plan;
            lock (job)
            {
                plan = job.Dataset.TakeDue(time.GetUtcNow(), everything);
            }

            if (plan is null)
            {
                return;
            }

            IReadOnlyList<TaskCompletionSource> acks;
            try
            {
                var written = new List<WrittenShard>();
                foreach (var shard in plan.Shards)
                {
                    var (content, sha256) = await ParquetShards.SerializeAsync(shard, job.TaskType!.Value, CuratedRecord.CurrentSchemaVersion, cancellationToken).ConfigureAwait(false);
                    await target.WriteShardAsync(job.JobId, shard.Path, content, cancellationToken).ConfigureAwait(false);
                    written.Add(new WrittenShard(shard.Path, content.Length, sha256));
                }

                DatasetManifest manifest;
                lock (job)
                {
                    manifest = job.Dataset.NextManifest(plan, written, time.GetUtcNow());
                }

                await target.ReplaceManifestAsync(job.JobId, manifest, cancellationToken).ConfigureAwait(false);
                lock (job)
                {
                    acks = job.Dataset.Committed(plan, manifest);
                }

                LogSealed(logger, job.JobId, job.Partition, plan.Shards.Count, plan.Shards.Sum(s => s.Rows.Count), plan.Superseded.Count, manifest.Rows);
            }
            catch (Exception ex)
            {
                // Nothing is acknowledged: the records come again and are written by a later seal.
                lock (job)
                {
                    acks = job.Dataset.Abort(plan);
                }

                if (ex is ManifestConflictException)
                {
                    acks = [.. acks, .. Drop(job)];
                    LogTakenOver(logger, job.JobId, job.Partition, ex.Message);
                }

                foreach (var ack in acks)
                {
                    ack.TrySetException(ex);
                }

                LogSealFailed(logger, ex, job.JobId, job.Partition);
                throw;
            }

            foreach (var ack in acks)
            {
                ack.TrySetResult();
            }
        }
        finally
        {
            job.Sealing.Release();
        }
    }

    /// <summary>
    /// Another instance wrote the partition's manifest: this state is stale. It is forgotten (the next record restores
    /// it from the manifest) and everything it holds is returned, to be failed so the records come again.
    /// </summary>
    private IReadOnlyList<TaskCompletionSource> Drop(JobState job)
    {
        IReadOnlyList<TaskCompletionSource> held;
        lock (job)
        {
            job.Dropped = true;
            held = job.Dataset.TakeDue(time.GetUtcNow(), everything: true)?.Acks ?? [];
        }

        var key = (job.JobId, job.Partition);
        if (_jobs.TryGetValue(key, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result == job)
        {
            _jobs.TryRemove(new KeyValuePair<(string, int), Lazy<Task<JobState>>>(key, entry));
        }

        return held;
    }

    private Task<JobState> JobAsync(string jobId, int partition, CancellationToken cancellationToken)
    {
        var key = (jobId, partition);
        var entry = _jobs.GetOrAdd(key, k => new Lazy<Task<JobState>>(() => RestoreAsync(k.Item1, k.Item2, cancellationToken)));
        var task = entry.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            _jobs.TryRemove(new KeyValuePair<(string, int), Lazy<Task<JobState>>>(key, entry));
        }

        return task;
    }

    /// <summary>The partition's dataset as its manifest left it: the manifest, and the id and version of every row of its shards.</summary>
    private async Task<JobState> RestoreAsync(string jobId, int partition, CancellationToken cancellationToken)
    {
        // A token of this instance's life with the partition, in its shard names: no other writer uses it.
        var writer = Guid.NewGuid().ToString("N")[..8];
        var manifest = await target.ReadManifestAsync(jobId, partition, cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            return new JobState(jobId, partition, JobDataset<TaskCompletionSource>.Start(jobId, partition, writer, CuratedRecord.CurrentSchemaVersion, time.GetUtcNow(), policy));
        }

        var rows = new List<(string, string, long)>();
        foreach (var shard in manifest.Shards)
        {
            var stream = await target.OpenShardAsync(jobId, shard.Path, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                rows.AddRange((await ParquetShards.ReadKeysAsync(stream, cancellationToken).ConfigureAwait(false)).Select(k => (shard.Path, k.SampleId, k.Version)));
            }
        }

        LogRestored(logger, jobId, partition, manifest.Shards.Count, manifest.Rows);
        return new JobState(jobId, partition, JobDataset<TaskCompletionSource>.Restore(manifest, writer, rows, policy));
    }

    private static (string SampleId, string JobId, long Version) TombstoneOf(InboundMessage message)
    {
        var version = message.Header(EnvelopeHeaders.SampleVersion);
        if (message.Key is not { Length: > 0 } sampleId
            || message.Header(EnvelopeHeaders.JobId) is not { Length: > 0 } jobId
            || !long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new InvalidOperationException(
                $"Tombstone at {message.Topic}[{message.Partition}]@{message.Offset} lacks its key, {EnvelopeHeaders.JobId} or {EnvelopeHeaders.SampleVersion}.");
        }

        return (sampleId, jobId, parsed);
    }

    /// <summary>One job's dataset in one partition; locked for every change, and sealed by one caller at a time.</summary>
    private sealed class JobState(string jobId, int partition, JobDataset<TaskCompletionSource> dataset)
    {
        public string JobId { get; } = jobId;
        public int Partition { get; } = partition;
        /// <summary>Forgotten after another instance wrote the manifest: a handler holding it takes the restored state instead.</summary>
        public bool Dropped { get; set; }
        /// <summary>Known once a record of the job arrived; a seal with shards always follows one.</summary>
        public TaskType? TaskType { get; set; }
        public JobDataset<TaskCompletionSource> Dataset { get; } = dataset;
        public SemaphoreSlim Sealing { get; } = new(1, 1);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed {Shards} shard(s) of job {JobId}, partition {Partition}, with {Rows} row(s), {Superseded} superseded; the manifest now holds {Total} row(s)")]
    private static partial void LogSealed(ILogger logger, string jobId, int partition, int shards, int rows, int superseded, long total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing job {JobId}'s shards of partition {Partition} failed; its records come again")]
    private static partial void LogSealFailed(ILogger logger, Exception exception, string jobId, int partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored job {JobId}'s dataset of partition {Partition}: {Shards} shard(s), {Rows} row(s)")]
    private static partial void LogRestored(ILogger logger, string jobId, int partition, int shards, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}'s manifest of partition {Partition} was written by another sink instance (a rebalance); its held records come again: {Reason}")]
    private static partial void LogTakenOver(ILogger logger, string jobId, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped an unreadable curated record at {Topic}[{Partition}]@{Offset}: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string topic, int partition, long offset, string error);
}
