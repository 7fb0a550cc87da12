using System.Diagnostics.Metrics;
using Synth.Contracts.Jobs;
using Synth.Llm;
using Synth.Store;

namespace Synth.Generation.Processor;

/// <summary>
/// The generator's model-call instruments (meter "Synth.Generation"), recorded by <see cref="CallGate"/>; their
/// Prometheus names are listed in docs/operations.md#metrics.
/// </summary>
internal static class GeneratorMetrics
{
    public const string MeterName = "Synth.Generation";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests =
        Meter.CreateCounter<long>("synth.llm.requests", "{request}", "Model calls by outcome (success, refusal, truncated, failure), retries included in one");

    private static readonly Histogram<double> Duration =
        Meter.CreateHistogram<double>("synth.llm.request.duration", "s", "Latency of a model call's last attempt");

    private static readonly Counter<long> Tokens =
        Meter.CreateCounter<long>("synth.llm.tokens", "{token}", "Tokens the provider reported, by type (prompt, completion)");

    private static readonly Counter<double> Cost =
        Meter.CreateCounter<double>("synth.llm.cost.usd", "{USD}", "What the model calls cost, from the job's prices");

    private static readonly Counter<long> FailedAttempts =
        Meter.CreateCounter<long>("synth.llm.attempt.errors", "{attempt}", "Failed attempts by kind (throttled = 429, server_error = 5xx, timeout, connection, other)");

    private static readonly Gauge<long> ConcurrencyLimit =
        Meter.CreateGauge<long>("synth.llm.concurrency.limit", "{request}", "The adaptive concurrency limit of a job's model calls");

    private static readonly Gauge<double> BudgetUsed =
        Meter.CreateGauge<double>("synth.budget.used", null, "What a job has spent, by limit (requests, tokens, cost_usd)");

    private static readonly Gauge<double> BudgetLimit =
        Meter.CreateGauge<double>("synth.budget.limit", null, "A job's budget limit, by limit (requests, tokens, cost_usd)");

    public static void Attempt(LlmAttempt attempt, string model)
    {
        var kind = attempt switch
        {
            { Failure: null } => null,
            { StatusCode: 429 } => "throttled",
            { StatusCode: >= 500 } => "server_error",
            { Failure: LlmFailureKind.Timeout } => "timeout",
            { Failure: LlmFailureKind.Connection } => "connection",
            { Failure: LlmFailureKind.Cancelled } => null,
            _ => "other",
        };
        if (kind is not null)
        {
            FailedAttempts.Add(1, new("model", model), new("kind", kind));
        }
    }

    public static void Call(LlmResult result, BudgetTotals used, long promptTokens, string model)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model);
        Requests.Add(1, modelTag, new("outcome", result.Outcome.ToString().ToLowerInvariant()));
        Duration.Record(result.Latency.TotalSeconds, modelTag);
        if (result.PromptTokens is not null || result.CompletionTokens is not null)
        {
            Tokens.Add(result.PromptTokens ?? promptTokens, modelTag, new("type", "prompt"));
            Tokens.Add(result.CompletionTokens ?? 0, modelTag, new("type", "completion"));
        }

        Cost.Add((double)used.CostUsd, modelTag);
    }

    public static void Concurrency(string jobId, int limit) => ConcurrencyLimit.Record(limit, new KeyValuePair<string, object?>("job", jobId));

    /// <summary>Spent against each limit the job has; a job without limits records nothing.</summary>
    public static void Budget(string jobId, BudgetSpec limits, BudgetReservation reservation)
    {
        Record(limits.MaxRequests, reservation.Spent.Requests, "requests");
        Record(limits.MaxTokens, reservation.Spent.Tokens, "tokens");
        Record((double?)limits.MaxCostUsd, (double)reservation.Spent.CostUsd, "cost_usd");

        void Record(double? limit, double spent, string name)
        {
            if (limit is { } value)
            {
                var tags = new[] { new KeyValuePair<string, object?>("job", jobId), new KeyValuePair<string, object?>("limit", name) };
                BudgetLimit.Record(value, tags);
                BudgetUsed.Record(spent, tags);
            }
        }
    }
}
