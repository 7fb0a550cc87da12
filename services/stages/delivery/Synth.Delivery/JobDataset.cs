namespace Synth.Delivery;

/// <summary>
/// The bookkeeping of one job's dataset in one partition of the curated topic (one manifest), with no I/O: which version of each sample the committed shards hold
/// (latest version wins), the open shard of each split, pending tombstones, and when a shard is due. The caller
/// writes what <see cref="TakeDue"/> returns (shards, then the manifest from <see cref="NextManifest"/>), and only
/// then acknowledges the records (<see cref="Committed"/>), so a record's offset is never committed before its row
/// is in a manifest. Seals of one job run one at a time (the caller serialises them).
/// </summary>
/// <typeparam name="TAck">What the caller completes for a record once it is in the dataset (e.g. the consumer's handler).</typeparam>
public sealed class JobDataset<TAck>
{
    private readonly ShardPolicy _policy;
    /// <summary>Per sample, the latest version the manifest holds, and the shard holding it (null when that version removed it).</summary>
    private readonly Dictionary<string, (long Version, string? Path)> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenShard> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingRow> _buffered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingRemoval> _removals = new(StringComparer.Ordinal);
    private readonly string _writer;
    private DatasetManifest _manifest;

    private JobDataset(DatasetManifest manifest, string writer, ShardPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(writer);
        _manifest = manifest;
        _writer = writer;
        _policy = policy;
    }

    public DatasetManifest Manifest => _manifest;

    /// <summary>Rows buffered in open shards.</summary>
    public int BufferedRows => _buffered.Count;

    /// <summary>Records (rows and tombstones) offered and not yet acknowledged or failed back: what a seal will complete.</summary>
    public int PendingRecords => _buffered.Values.Sum(p => p.Acks.Count) + _removals.Values.Sum(r => r.Acks.Count);

    /// <summary>
    /// The dataset as the manifest left it. <paramref name="shardRows"/> are the (path, id, version) of every row of
    /// the manifest's shards, read back from them; rows of shards the manifest does not list (written before a crash,
    /// never committed) must not be among them. <paramref name="writer"/> names this writer's shards (<see cref="DatasetManifest.ShardPath"/>).
    /// </summary>
    public static JobDataset<TAck> Restore(DatasetManifest manifest, string writer, IEnumerable<(string Path, string SampleId, long Version)> shardRows, ShardPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(shardRows);
        var dataset = new JobDataset<TAck>(manifest, writer, policy);
        var superseded = manifest.Superseded.Select(s => (s.Path, s.SampleId)).ToHashSet();
        foreach (var (path, sampleId, version) in shardRows)
        {
            if (!superseded.Contains((path, sampleId)))
            {
                dataset.Remember(sampleId, version, path);
            }
        }

        foreach (var row in manifest.Superseded)
        {
            // A removal keeps its version, so an older record redelivered later does not bring the sample back.
            dataset.Remember(row.SampleId, row.Version, null);
        }

        return dataset;
    }

    public static JobDataset<TAck> Start(string jobId, int partition, string writer, int recordSchemaVersion, DateTimeOffset now, ShardPolicy policy) =>
        new(DatasetManifest.Empty(jobId, partition, recordSchemaVersion, now), writer, policy);

    /// <summary>Offers a record's row. <see cref="Admission.AlreadyIn"/>: the dataset holds this version or a newer one.</summary>
    public Admission Offer(DatasetRow row, RecordOrigin origin, TAck ack, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (_committed.TryGetValue(row.SampleId, out var committed) && committed.Version >= row.Version)
        {
            return Admission.AlreadyIn;
        }

        if (_removals.TryGetValue(row.SampleId, out var removal) && removal.Version >= row.Version)
        {
            // Older than a pending removal: done when the removal is.
            removal.Add(ack, origin);
            return Admission.Pending;
        }

        if (_buffered.TryGetValue(row.SampleId, out var pending))
        {
            // The same sample again before a seal: the newer version takes the older one's place; both complete with it.
            var shard = _open[pending.Row.Split];
            if (row.Version > pending.Row.Version)
            {
                shard.Bytes += row.Bytes - pending.Row.Bytes;
                pending.Row = row;
            }

            pending.Add(ack, origin);
            return Admission.Pending;
        }

        if (!_open.TryGetValue(row.Split, out var open))
        {
            open = new OpenShard(now);
            _open[row.Split] = open;
        }

        var added = new PendingRow(row);
        added.Add(ack, origin);
        open.Rows.Add(added);
        open.Bytes += row.Bytes;
        _buffered[row.SampleId] = added;
        return Admission.Pending;
    }

    /// <summary>Offers a tombstone: the sample leaves the dataset at <paramref name="version"/>.</summary>
    public Admission Remove(string sampleId, long version, RecordOrigin origin, TAck ack, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sampleId);
        if (_committed.TryGetValue(sampleId, out var committed) && committed.Version >= version)
        {
            return Admission.AlreadyIn;
        }

        if (_buffered.TryGetValue(sampleId, out var pending))
        {
            if (pending.Row.Version > version)
            {
                // An older removal than the row waiting: done when that row is.
                pending.Add(ack, origin);
                return Admission.Pending;
            }

            // The buffered row never reaches a shard; its records complete with the removal.
            var shard = _open[pending.Row.Split];
            shard.Rows.Remove(pending);
            shard.Bytes -= pending.Row.Bytes;
            _buffered.Remove(sampleId);
            if (shard.Rows.Count == 0)
            {
                _open.Remove(pending.Row.Split);
            }
        }

        if (!_removals.TryGetValue(sampleId, out var removal))
        {
            removal = new PendingRemoval(version, now);
            _removals[sampleId] = removal;
        }

        removal.Version = Math.Max(removal.Version, version);
        if (pending is not null)
        {
            removal.Take(pending);
        }

        removal.Add(ack, origin);
        return Admission.Pending;
    }

    /// <summary>
    /// Takes what is due into a seal plan: every open shard past a limit of the policy, and the pending removals once
    /// the oldest is older than the policy's age; with <paramref name="everything"/>, all that is pending (shutdown).
    /// Null when nothing is due.
    /// </summary>
    public SealPlan<TAck>? TakeDue(DateTimeOffset now, bool everything = false)
    {
        var dueSplits = _open
            .Where(o => everything || o.Value.Rows.Count >= _policy.MaxRows || o.Value.Bytes >= _policy.MaxBytes || now - o.Value.OpenedAt >= _policy.MaxAge)
            .Select(o => o.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var removalsDue = _removals.Count > 0 && (everything || dueSplits.Count > 0 || now - _removals.Values.Min(r => r.Since) >= _policy.MaxAge);
        if (dueSplits.Count == 0 && !removalsDue)
        {
            return null;
        }

        var shards = new List<ShardToWrite>();
        var superseded = new List<SupersededRow>();
        var acks = new List<TAck>();
        var origins = new List<RecordOrigin>();
        foreach (var split in dueSplits)
        {
            var open = _open[split];
            _open.Remove(split);
            var index = _manifest.Shards.Count(s => s.Split == split);
            var path = DatasetManifest.ShardPath(split, _manifest.Partition, index, _writer);
            foreach (var pending in open.Rows)
            {
                _buffered.Remove(pending.Row.SampleId);
                if (_committed.TryGetValue(pending.Row.SampleId, out var previous) && previous.Path is not null)
                {
                    superseded.Add(new SupersededRow(previous.Path, pending.Row.SampleId, pending.Row.Version));
                }

                acks.AddRange(pending.Acks);
                origins.AddRange(pending.Origins);
            }

            shards.Add(new ShardToWrite(path, split, index, [.. open.Rows.Select(p => p.Row)]));
        }

        var removals = new List<(string, long)>();
        if (removalsDue)
        {
            foreach (var (sampleId, removal) in _removals.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                if (_committed.TryGetValue(sampleId, out var previous) && previous.Path is not null)
                {
                    superseded.Add(new SupersededRow(previous.Path, sampleId, removal.Version));
                }

                removals.Add((sampleId, removal.Version));
                acks.AddRange(removal.Acks);
                origins.AddRange(removal.Origins);
            }

            _removals.Clear();
        }

        return new SealPlan<TAck>(shards, superseded, removals, acks, origins);
    }

    /// <summary>The manifest that commits <paramref name="plan"/>, once its shards are written as <paramref name="written"/>.</summary>
    public DatasetManifest NextManifest(SealPlan<TAck> plan, IReadOnlyList<WrittenShard> written, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(written);
        var byPath = written.ToDictionary(w => w.Path, StringComparer.Ordinal);
        var sealedShards = plan.Shards.Select(s =>
        {
            var file = byPath.TryGetValue(s.Path, out var w) ? w : throw new InvalidOperationException($"Shard '{s.Path}' of the seal was not written.");
            return new ManifestShard(s.Path, s.Split, s.Index, s.Rows.Count, file.Bytes, file.Sha256, now);
        });
        var watermarks = new Dictionary<string, long>(_manifest.Watermarks, StringComparer.Ordinal);
        foreach (var origin in plan.Origins.Where(o => o.Partition >= 0))
        {
            var key = DatasetManifest.WatermarkKey(origin.Topic, origin.Partition);
            watermarks[key] = Math.Max(watermarks.GetValueOrDefault(key, -1), origin.Offset);
        }

        List<ManifestShard> shards = [.. _manifest.Shards, .. sealedShards];
        List<SupersededRow> superseded = [.. _manifest.Superseded, .. plan.Superseded];
        return _manifest with
        {
            Sequence = _manifest.Sequence + 1,
            Rows = shards.Sum(s => (long)s.Rows) - superseded.Count,
            Shards = shards,
            Superseded = superseded,
            Watermarks = watermarks,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// The manifest of <paramref name="plan"/> is stored: the dataset now holds it. Returns what to acknowledge: the
    /// plan's records, and buffered records the plan already covers (a redelivery that arrived while it was written).
    /// </summary>
    public IReadOnlyList<TAck> Committed(SealPlan<TAck> plan, DatasetManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(manifest);
        _manifest = manifest;
        foreach (var shard in plan.Shards)
        {
            foreach (var row in shard.Rows)
            {
                Remember(row.SampleId, row.Version, shard.Path);
            }
        }

        foreach (var (sampleId, version) in plan.Removals)
        {
            Remember(sampleId, version, null);
        }

        var acks = plan.Acks.ToList();
        foreach (var pending in _buffered.Values.Where(p => _committed.TryGetValue(p.Row.SampleId, out var c) && c.Version >= p.Row.Version).ToList())
        {
            var shard = _open[pending.Row.Split];
            shard.Rows.Remove(pending);
            shard.Bytes -= pending.Row.Bytes;
            _buffered.Remove(pending.Row.SampleId);
            if (shard.Rows.Count == 0)
            {
                _open.Remove(pending.Row.Split);
            }

            acks.AddRange(pending.Acks);
        }

        return acks;
    }

    /// <summary>The plan could not be written: its records are dropped from the buffer and come again (return value: what to fail).</summary>
    public IReadOnlyList<TAck> Abort(SealPlan<TAck> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Acks;
    }

    private void Remember(string sampleId, long version, string? path)
    {
        // The higher version wins; at a tie a row beats a removal (the row is the version itself, a removal only names it).
        if (!_committed.TryGetValue(sampleId, out var known) || version > known.Version || (version == known.Version && path is not null))
        {
            _committed[sampleId] = (version, path);
        }
    }

    private sealed class OpenShard(DateTimeOffset openedAt)
    {
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public List<PendingRow> Rows { get; } = [];
        public long Bytes { get; set; }
    }

    private abstract class PendingAcks
    {
        public List<TAck> Acks { get; } = [];
        public List<RecordOrigin> Origins { get; } = [];

        public void Add(TAck ack, RecordOrigin origin)
        {
            Acks.Add(ack);
            Origins.Add(origin);
        }

        public void Take(PendingAcks other)
        {
            Acks.AddRange(other.Acks);
            Origins.AddRange(other.Origins);
        }
    }

    private sealed class PendingRow(DatasetRow row) : PendingAcks
    {
        public DatasetRow Row { get; set; } = row;
    }

    private sealed class PendingRemoval(long version, DateTimeOffset since) : PendingAcks
    {
        public long Version { get; set; } = version;
        public DateTimeOffset Since { get; } = since;
    }
}
