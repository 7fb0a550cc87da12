using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>Every control-plane message names its job, and is correlated to the job's saga by <see cref="JobCorrelation.Of"/>.</summary>
public interface IJobMessage
{
    Guid CorrelationId { get; }
    string JobId { get; }
}

public static class JobCorrelation
{
    /// <summary>A stable UUID for a job id (name-based, SHA-256), so any process can address a job's saga.</summary>
    public static Guid Of(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("synth-job:" + jobId));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>The job's hard limits, copied from its spec at submission (the state machine warns and stops on them).</summary>
public sealed record JobBudgetLimits(long? MaxRequests, long? MaxTokens, decimal? MaxCostUsd);

/// <summary>What a job has spent, as the budget store counts it across every generator instance.</summary>
public sealed record JobSpending(long Requests, long Tokens, decimal CostUsd);

// Commands to the job state machine (from the API and CLI, through IJobControl).
public sealed record SubmitJob(Guid CorrelationId, string JobId, int TargetCount, JobBudgetLimits Limits) : IJobMessage;
public sealed record PauseJob(Guid CorrelationId, string JobId) : IJobMessage;
public sealed record ResumeJob(Guid CorrelationId, string JobId) : IJobMessage;
public sealed record CancelJob(Guid CorrelationId, string JobId, string? Reason) : IJobMessage;
public sealed record ChangeJobTarget(Guid CorrelationId, string JobId, int TargetCount) : IJobMessage;

/// <summary>The control plane restarted: each unfinished job re-issues what its state waits on.</summary>
public sealed record RecoverJob(Guid CorrelationId, string JobId) : IJobMessage;

// Commands from the state machine to the stages (published: every generator instance receives them).
public sealed record StartGeneration(Guid CorrelationId, string JobId, int TargetCount) : IJobMessage;
public sealed record StopGeneration(Guid CorrelationId, string JobId, string Reason) : IJobMessage;
public sealed record CheckDrained(Guid CorrelationId, string JobId) : IJobMessage;
public sealed record EvaluateJob(Guid CorrelationId, string JobId) : IJobMessage;

// Events from the stages.
public sealed record GenerationStarted(Guid CorrelationId, string JobId, int ShardIndex, int ShardCount) : IJobMessage;
public sealed record GenerationProgress(Guid CorrelationId, string JobId, int ShardIndex, long RequestsRecorded, long RequestsPlanned, JobSpending Spent) : IJobMessage;
public sealed record GenerationFinished(Guid CorrelationId, string JobId, int ShardIndex, int ShardCount, int TargetCount, string? StopReason) : IJobMessage;
public sealed record StageProgress(Guid CorrelationId, string JobId, string Stage, string Instance, long Processed) : IJobMessage;
public sealed record JobDrained(Guid CorrelationId, string JobId) : IJobMessage;
public sealed record JobEvaluated(Guid CorrelationId, string JobId, string? Error) : IJobMessage;

// Events from the state machine.
public sealed record JobStateChanged(Guid CorrelationId, string JobId, JobState From, JobState To, string? Reason, DateTimeOffset At) : IJobMessage;
public sealed record BudgetWarning(Guid CorrelationId, string JobId, string Limit, double FractionSpent) : IJobMessage;
public sealed record ReviewTaskQueued(Guid CorrelationId, string JobId, string SampleId) : IJobMessage;
public sealed record JobFailed(Guid CorrelationId, string JobId, string Reason) : IJobMessage;
