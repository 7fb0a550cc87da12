using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Accounting;
using Synth.Generation.Conditions;
using Synth.Llm;
using Synth.Store;

namespace Synth.Generation.Processor;

/// <summary>
/// Dataset-wise decomposition for one job in one generator instance. Before a request is planned, every leaf whose
/// coverage reached <c>expandAfter</c> (and is above <c>maxDepth</c>) is split: the node is claimed in the store, one
/// model call through the job's <see cref="CallGate"/> asks for its sub-topics, and the outcome — children, or the
/// failure and its reason — is stored with the call's tokens and cost. Every instance applies the stored outcomes
/// (parents first), so all instances and restarts grow the same tree, and a node claimed or settled elsewhere is
/// never asked for again. Each request's conditions are recorded before its call, so a restart or a retry of a
/// failed request sends it with the conditions it was first planned with.
/// </summary>
internal sealed partial class ConceptGrowth
{
    // How often stored expansions made by other instances are read back.
    private static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(1);

    private readonly string _jobId;
    private readonly JobSpec _spec;
    private readonly ConditionPlanner _planner;
    private readonly CallGate _gate;
    private readonly LlmRequestExecutor _executor;
    private readonly IConceptTreeStore? _store;
    private readonly ISampleStore? _failures;
    private readonly string _instance;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ModelPrice? _price;
    private readonly int _childrenPerNode;
    private readonly Lock _gateLock = new();
    // Nodes expanded or failed (applied to the planner's tree), and nodes this instance is expanding now.
    private readonly HashSet<string> _settled = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _expanding = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _syncing = new(1, 1);
    // Every plan recorded for the job that this instance knows of: loaded once on start, then each one it records.
    private readonly ConcurrentDictionary<long, IReadOnlyDictionary<string, string>> _plans = new();
    private int _plansLoaded;
    private DateTimeOffset _lastSync = DateTimeOffset.MinValue;
    private int _modelCalls;

    public ConceptGrowth(
        string jobId, JobSpec spec, ConditionPlanner planner, CallGate gate, LlmRequestExecutor executor, string model,
        IConceptTreeStore? store, ISampleStore? failures, string instance, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        _jobId = jobId;
        _spec = spec;
        _planner = planner;
        _gate = gate;
        _executor = executor;
        _store = store;
        _failures = failures;
        _instance = instance;
        _lease = lease;
        _time = time;
        _logger = logger;
        _price = CostCalculator.PriceOf(spec.Budget, model);
        var tree = spec.Conditions.ConceptTree!;
        _childrenPerNode = Math.Min(tree.ChildrenPerNode, tree.MaxBranching);
    }

    /// <summary>Expansion calls this instance made (for tests and logs).</summary>
    public int ModelCalls => Volatile.Read(ref _modelCalls);

    public ConceptTree Tree => _planner.Tree!;

    /// <summary>Grows the tree to what is stored and counts the recorded plans as coverage.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(force: true, cancellationToken).ConfigureAwait(false);
        // A later run of the job in this process has them counted already.
        if (_store is null || Interlocked.Exchange(ref _plansLoaded, 1) == 1)
        {
            return;
        }

        foreach (var (index, plan) in await _store.GetPlansAsync(_jobId, cancellationToken).ConfigureAwait(false))
        {
            if (_plans.TryAdd(index, plan))
            {
                _planner.Coverage.Add(plan, _spec.Generation.SamplesPerRequest);
            }
        }
    }

    /// <summary>The conditions of request <paramref name="requestIndex"/>: its recorded plan, or a new one after the due nodes are split.</summary>
    public async Task<IReadOnlyDictionary<string, string>> PlanAsync(long requestIndex, CancellationToken cancellationToken)
    {
        if (_plans.TryGetValue(requestIndex, out var recorded))
        {
            return recorded;
        }

        await SyncAsync(force: false, cancellationToken).ConfigureAwait(false);
        await ExpandDueAsync(cancellationToken).ConfigureAwait(false);
        var planned = _planner.PlanNext(requestIndex);
        if (_store is null)
        {
            return planned;
        }

        var stored = await _store.RecordPlanAsync(_jobId, requestIndex, planned, cancellationToken).ConfigureAwait(false);
        if (!SameConditions(stored, planned))
        {
            // Another instance recorded this request first: count its plan instead of ours.
            _planner.Coverage.Add(planned, -_spec.Generation.SamplesPerRequest);
            _planner.Coverage.Add(stored, _spec.Generation.SamplesPerRequest);
        }

        _plans[requestIndex] = stored;
        return stored;
    }

    /// <summary>Reads the stored expansions and applies those not applied yet, at most once per <see cref="SyncInterval"/> unless forced.</summary>
    public async Task SyncAsync(bool force, CancellationToken cancellationToken)
    {
        if (_store is null || (!force && _time.GetUtcNow() - _lastSync < SyncInterval))
        {
            return;
        }

        await _syncing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _lastSync = _time.GetUtcNow();
            foreach (var record in await _store.GetExpansionsAsync(_jobId, cancellationToken).ConfigureAwait(false))
            {
                Apply(record);
            }
        }
        finally
        {
            _syncing.Release();
        }
    }

    private async Task ExpandDueAsync(CancellationToken cancellationToken)
    {
        var expandAfter = _spec.Conditions.ConceptTree!.ExpandAfter;
        while (true)
        {
            string path;
            lock (_gateLock)
            {
                var skip = new HashSet<string>(_settled.Concat(_expanding), StringComparer.OrdinalIgnoreCase);
                var due = ConceptExpansion.Due(Tree, _planner.LeafCoverage(), expandAfter, skip);
                if (due.Count == 0)
                {
                    return;
                }

                path = due[0];
                _expanding.Add(path);
            }

            var keepGoing = false;
            try
            {
                keepGoing = await ExpandAsync(path, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lock (_gateLock)
                {
                    _expanding.Remove(path);
                }
            }

            if (!keepGoing)
            {
                return;
            }
        }
    }

    /// <returns>False when the node is left for later (claimed by another instance, or the budget refused the call).</returns>
    private async Task<bool> ExpandAsync(string path, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_store is not null
            && await _store.TryClaimExpansionAsync(_jobId, path, _instance, now, now + _lease, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            if (stored.Status == ConceptExpansionStatus.Pending)
            {
                return false;
            }

            Apply(stored);
            return true;
        }

        var callId = $"{_jobId}:concept:{path}";
        var request = new LlmRequest([new ChatMessage(ChatRole.User, ConceptExpansion.Prompt(_spec.Task, path, Siblings(path), _childrenPerNode))])
        {
            OutputSchema = ConceptExpansion.Schema(_childrenPerNode),
        };
        GatedCall gated;
        try
        {
            gated = await _gate.SendAsync(callId, request, _executor, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync(path).ConfigureAwait(false);
            throw;
        }

        if (gated.Refused)
        {
            // Nothing was spent; the node stays a leaf, and generation itself stops on the same budget.
            await ReleaseAsync(path).ConfigureAwait(false);
            LogExpansionNotSent(_logger, _jobId, path, gated.BudgetReason!);
            return false;
        }

        Interlocked.Increment(ref _modelCalls);
        var answer = gated.Result!;
        var prompt = answer.PromptTokens ?? 0;
        var completion = answer.CompletionTokens ?? 0;
        var error = RequestRun.Problem(answer);
        var proposal = error is null ? ConceptExpansion.Parse(answer.Text ?? "", _childrenPerNode) : null;
        error ??= proposal!.Error;
        var outcome = new ConceptExpansionRecord(
            _jobId,
            path,
            error is null ? ConceptExpansionStatus.Expanded : ConceptExpansionStatus.Failed,
            error is null ? [.. proposal!.Topics.Select(t => new ConceptChild(t.Name, t.Weight))] : [],
            _instance,
            callId,
            error,
            error is null ? null : answer.Text,
            prompt,
            completion,
            _price is null ? 0 : CostCalculator.Cost(_price, prompt, completion),
            _time.GetUtcNow());
        var kept = _store is null ? outcome : await _store.CompleteExpansionAsync(outcome, CancellationToken.None).ConfigureAwait(false);
        if (kept.Status == ConceptExpansionStatus.Failed && ReferenceEquals(kept, outcome))
        {
            await RecordFailureAsync(kept).ConfigureAwait(false);
        }

        Apply(kept);
        return true;
    }

    private void Apply(ConceptExpansionRecord record)
    {
        lock (_gateLock)
        {
            if (_settled.Contains(record.NodePath))
            {
                return;
            }

            if (record.NodePath.Length > 0 && !Tree.Contains(record.NodePath))
            {
                // Its parent's expansion is not applied here yet; the next sync brings both, parent first.
                return;
            }

            _settled.Add(record.NodePath);
            if (record.Status == ConceptExpansionStatus.Expanded)
            {
                var added = _planner.AddConcepts(record.NodePath, record.Children.Select(c => new ConceptNode { Name = c.Name, Weight = c.Weight }));
                LogExpanded(_logger, _jobId, record.NodePath, added, record.Instance);
            }
        }
    }

    private IReadOnlyList<string> Siblings(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        var cut = path.LastIndexOf(ConceptTree.PathSeparator);
        var name = path[(cut + 1)..];
        return [.. Tree.ChildNames(cut < 0 ? "" : path[..cut]).Where(n => !string.Equals(n, name, StringComparison.OrdinalIgnoreCase))];
    }

    private async Task ReleaseAsync(string path)
    {
        if (_store is not null)
        {
            await _store.ReleaseExpansionAsync(_jobId, path, _instance, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A failed expansion is a counted failure of the job; the tree does not grow there and generation goes on.</summary>
    private async Task RecordFailureAsync(ConceptExpansionRecord failed)
    {
        LogExpansionFailed(_logger, _jobId, failed.NodePath, failed.Error!);
        if (_failures is null)
        {
            return;
        }

        await _failures.SaveFailureAsync(new FailureDocument
        {
            Id = $"generator:{_jobId}:concept:{failed.NodePath}",
            JobId = _jobId,
            Stage = Stage.Generator,
            Error = $"concept expansion of '{(failed.NodePath.Length == 0 ? "(root)" : failed.NodePath)}' failed: {failed.Error}"
                + (failed.RawResponse is null ? "" : $"\nraw answer: {failed.RawResponse}"),
            At = failed.At,
        }, CancellationToken.None).ConfigureAwait(false);
    }

    private static bool SameConditions(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: concept '{Path}' grew {Added} sub-topics (expanded by {Instance})")]
    private static partial void LogExpanded(ILogger logger, string jobId, string path, int added, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: concept expansion of '{Path}' failed and was stored as a failure: {Error}")]
    private static partial void LogExpansionFailed(ILogger logger, string jobId, string path, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: concept expansion of '{Path}' not sent: {Reason}")]
    private static partial void LogExpansionNotSent(ILogger logger, string jobId, string path, string reason);
}
