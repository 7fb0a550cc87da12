using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Accounting;
using Synth.Generation.Demonstrations;
using Synth.Generation.Throughput;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Generation.Processor;

/// <summary>
/// The one way a job's model calls are sent. In order: the call's worst case (prompt tokens counted with the job's
/// tokenizer, plus the most completion tokens it may get, and their price) is reserved against the job's budget in the
/// store, so the budget holds across every generator instance; the requests-per-minute and tokens-per-minute buckets
/// are waited on; a slot of the adaptive concurrency limit is taken (AIMD: halved on 429s and timeouts, grown while
/// healthy). Afterwards the reservation becomes what the call really took and unused tokens go back to the bucket.
/// Retries happen inside the executor and count as one call. Each call's outcome goes to the job's
/// <see cref="EndpointBreaker"/>; once it trips, calls throw <see cref="ModelEndpointUnavailableException"/>.
/// </summary>
internal sealed class CallGate
{
    private readonly PipelineJobBudget _budget;
    private readonly RateLimiter _rate;
    private readonly AdaptiveConcurrencyLimit _concurrency;
    private readonly TokenCounter _tokens;
    private readonly ModelPrice? _price;
    private readonly int _maxOutputTokens;
    private readonly TimeProvider _time;
    private readonly string _jobId;
    private readonly BudgetSpec _limits;
    private readonly string _model;
    private readonly EndpointBreaker? _breaker;
    private readonly Lock _slotGate = new();
    private TaskCompletionSource _slotFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CallGate(string jobId, JobSpec spec, PipelineJobBudget budget, TimeProvider time)
    {
        _jobId = jobId;
        _limits = spec.Budget;
        _model = spec.Generation.Model ?? spec.Generation.Deployment ?? "unknown";
        _budget = budget;
        _time = time;
        _rate = new RateLimiter(spec.Generation.RequestsPerMinute, spec.Generation.TokensPerMinute, time);
        _concurrency = new AdaptiveConcurrencyLimit(new AimdOptions { MaxLimit = spec.Generation.Concurrency });
        _tokens = TokenCounter.For(spec.Demonstrations.Tokenizer);
        _price = CostCalculator.PriceOf(spec.Budget, spec.Generation.Model ?? spec.Generation.Deployment);
        _maxOutputTokens = spec.Generation.MaxOutputTokens;
        _breaker = spec.Generation.Breaker is { Enabled: true } breaker
            ? new EndpointBreaker(new EndpointBreakerOptions
            {
                MaxTimeWithoutSuccess = TimeSpan.FromSeconds(breaker.MaxSecondsWithoutSuccess),
                FailureRatio = breaker.FailureRatio,
                Window = TimeSpan.FromSeconds(breaker.WindowSeconds),
                MinimumCalls = breaker.MinimumCalls,
            })
            : null;
    }

    /// <summary>
    /// Takes every throttled attempt of <paramref name="executor"/>'s calls as it happens, so the limit comes down at the
    /// first 429 rather than after a request's retries end.
    /// </summary>
    public void Observe(LlmRequestExecutor executor) =>
        executor.AttemptCompleted += attempt =>
        {
            GeneratorMetrics.Attempt(attempt, _model);
            if (attempt.Throttled)
            {
                _concurrency.OnThrottledAttempt();
            }
        };

    /// <summary>Takes the endpoint to be up again: the job was resumed.</summary>
    public void ResetBreaker() => _breaker?.Reset();

    /// <summary>The adaptive limit's current value (for tests and benchmarks).</summary>
    public int ConcurrencyLimit => _concurrency.Limit;

    /// <exception cref="ModelEndpointUnavailableException">The endpoint's calls keep failing: nothing more is sent until the job is resumed.</exception>
    public async Task<GatedCall> SendAsync(string callId, LlmRequest request, LlmRequestExecutor executor, CancellationToken cancellationToken)
    {
        if (_breaker?.Tripped is { } down)
        {
            throw new ModelEndpointUnavailableException(down);
        }

        var promptTokens = request.Messages.Sum(m => _tokens.Count(m.Text));
        var worstCase = CostCalculator.WorstCase(promptTokens, _maxOutputTokens, _price);
        var reservation = await _budget.TryReserveAsync(callId, worstCase, cancellationToken).ConfigureAwait(false);
        GeneratorMetrics.Budget(_jobId, _limits, reservation);
        if (!reservation.Granted)
        {
            return new GatedCall(null, reservation.ExceededLimit, Describe(reservation, worstCase));
        }

        var committed = false;
        try
        {
            var wait = _rate.Reserve((int)Math.Min(int.MaxValue, worstCase.Tokens));
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            await AcquireSlotAsync(cancellationToken).ConfigureAwait(false);
            LlmResult result;
            try
            {
                result = await executor.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _concurrency.OnOtherFailure();
                GeneratorMetrics.Concurrency(_jobId, _concurrency.Limit);
                SignalSlotFreed();
                throw;
            }

            ReportLoad(result);
            var used = Used(result, promptTokens, worstCase);
            if (worstCase.Tokens > used.Tokens)
            {
                _rate.RefundTokens((int)Math.Min(int.MaxValue, worstCase.Tokens - used.Tokens));
            }

            GeneratorMetrics.Call(result, used, promptTokens, _model);
            await _budget.CommitAsync(callId, used, CancellationToken.None).ConfigureAwait(false);
            committed = true;
            var failed = result.Outcome == LlmOutcome.Failure;
            if (_breaker?.Record(!failed, _time.GetUtcNow()) is { } reason && failed)
            {
                // Not recorded as a failed request: resuming the job sends it again.
                throw new ModelEndpointUnavailableException(reason);
            }

            return new GatedCall(result, null, null);
        }
        finally
        {
            if (!committed)
            {
                // Not sent (cancelled while waiting) or failed without an answer's accounting: the worst case stays
                // charged only when the call may have reached the model.
                await _budget.ReleaseAsync(callId, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What the call took: the usage the provider reported, else (an answer without usage) the worst case.</summary>
    private BudgetTotals Used(LlmResult result, long promptTokens, BudgetTotals worstCase)
    {
        if (result.Outcome == LlmOutcome.Failure && result.PromptTokens is null)
        {
            // No answer came back; a provider does not bill a failed call.
            return new BudgetTotals(1, 0, 0m);
        }

        if (result.PromptTokens is null && result.CompletionTokens is null)
        {
            return worstCase;
        }

        var prompt = result.PromptTokens ?? promptTokens;
        var completion = result.CompletionTokens ?? _maxOutputTokens;
        return new BudgetTotals(1, prompt + completion, _price is null ? 0 : CostCalculator.Cost(_price, prompt, completion));
    }

    private void ReportLoad(LlmResult result)
    {
        if (result.Throttled)
        {
            // Its 429s were taken as they happened (Observe).
            _concurrency.OnCompletedAfterThrottling();
        }
        else if (result.Outcome == LlmOutcome.Failure && result.Attempts.Count > 0 && result.Attempts[^1].Failure == LlmFailureKind.Timeout)
        {
            _concurrency.OnTimeout();
        }
        else if (result.Outcome == LlmOutcome.Failure)
        {
            _concurrency.OnOtherFailure();
        }
        else
        {
            _concurrency.OnSuccess(result.Latency);
        }

        GeneratorMetrics.Concurrency(_jobId, _concurrency.Limit);
        SignalSlotFreed();
    }

    private async Task AcquireSlotAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task freed;
            lock (_slotGate)
            {
                if (_concurrency.TryAcquire())
                {
                    return;
                }

                freed = _slotFreed.Task;
            }

            await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void SignalSlotFreed()
    {
        TaskCompletionSource freed;
        lock (_slotGate)
        {
            freed = _slotFreed;
            _slotFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        freed.TrySetResult();
    }

    private static string Describe(BudgetReservation refused, BudgetTotals worstCase) => refused.ExceededLimit switch
    {
        BudgetLimit.Requests => $"{refused.Spent.Requests} calls made and {refused.Reserved.Requests} in flight leave no room for another",
        BudgetLimit.Tokens => $"{refused.Spent.Tokens} tokens spent and {refused.Reserved.Tokens} reserved leave no room for a call that may take {worstCase.Tokens}",
        _ => $"${refused.Spent.CostUsd} spent and ${refused.Reserved.CostUsd} reserved leave no room for a call that may cost ${worstCase.CostUsd}",
    };
}
