using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Json;
using Synth.Contracts.Samples;
using Synth.Generation.Accounting;
using Synth.Generation.Demonstrations;
using Synth.Generation.Prompts;
using Synth.Generation.Strategies;
using Synth.Llm;
using Synth.Pipeline;

namespace Synth.Generation.Processor;

/// <summary>
/// One request while it runs: the model calls it makes (each through the job's gate), their summed usage, cost and
/// attempts, and what came of them — drafts, item failures, or the request's failure.
/// </summary>
internal sealed class RequestRun(LlmSampleGenerator.JobGeneration job, GenerationRequest request, IReadOnlyDictionary<string, string> conditions)
{
    private readonly List<SampleDraft> _drafts = [];
    private readonly List<RequestItemFailure> _itemFailures = [];
    private readonly ModelPrice? _price = CostCalculator.PriceOf(job.Spec.Budget, job.Connection.Model);
    private long _promptTokens;
    private long _completionTokens;
    private decimal _cost;
    private int _attempts;
    private int _calls;
    private string? _error;
    private string? _raw;
    private string? _budgetStop;

    public LlmSampleGenerator.JobGeneration Job => job;

    public GenerationRequest Request => request;

    public IReadOnlyDictionary<string, string> Conditions => conditions;

    /// <summary>Why the budget refused a call after this request had made others (the rest of it is not sent); null while it has not.</summary>
    public string? BudgetStop => _budgetStop;

    /// <summary>Sends one call through the gate and accounts for it.</summary>
    /// <returns>The answer; null when the budget refused the call (see <see cref="BudgetStop"/>).</returns>
    /// <exception cref="BudgetExhaustedException">The budget refused the request's first call: nothing was spent.</exception>
    public async Task<LlmResult?> SendAsync(LlmRequest llmRequest, CancellationToken cancellationToken)
    {
        var callId = string.Create(CultureInfo.InvariantCulture, $"{request.RequestId}:{_calls}");
        var gated = await job.Gate.SendAsync(callId, llmRequest, job.Executor, cancellationToken).ConfigureAwait(false);
        if (gated.Refused)
        {
            if (_calls == 0)
            {
                throw new BudgetExhaustedException(gated.BudgetLimit!.Value, gated.BudgetReason!);
            }

            _budgetStop = $"budget reached ({EnumSpelling.Of(gated.BudgetLimit!.Value)}): {gated.BudgetReason}";
            return null;
        }

        _calls++;
        var answer = gated.Result!;
        var prompt = answer.PromptTokens ?? 0;
        var completion = answer.CompletionTokens ?? 0;
        _promptTokens += prompt;
        _completionTokens += completion;
        _cost += _price is null ? 0 : CostCalculator.Cost(_price, prompt, completion);
        _attempts += answer.Attempts.Count;
        return answer;
    }

    /// <summary>Why an answer cannot be used at all, or null.</summary>
    public static string? Problem(LlmResult answer) => answer.Outcome switch
    {
        LlmOutcome.Failure => answer.FailureReason ?? "the model call failed",
        LlmOutcome.Refusal => "the model refused",
        _ => null,
    };

    /// <summary>Runs a planner's steps, one call each; a step that fails becomes an item failure with its raw answer.</summary>
    public async Task<BuiltSample?> BuildInStepsAsync(StepPlanner planner, int item, CancellationToken cancellationToken)
    {
        var done = new List<StepOutput>();
        var hashes = new List<string>();
        string? templateId = null;
        try
        {
            while (planner.Next(done) is { } step)
            {
                templateId ??= step.TemplateId;
                hashes.Add(step.PromptHash);
                var llmRequest = new LlmRequest([new ChatMessage(ChatRole.User, step.Text)])
                {
                    // Annotation answers with a sample object; the other steps answer in prose.
                    OutputSchema = planner is AnnotationPlanner ? job.OutputSchema(1) : null,
                };
                var answer = await SendAsync(llmRequest, cancellationToken).ConfigureAwait(false);
                if (answer is null)
                {
                    AddItemFailure(item, $"step '{step.Step}' not sent: {_budgetStop}", Transcript(done));
                    return null;
                }

                if (Problem(answer) is { } problem)
                {
                    AddItemFailure(item, $"step '{step.Step}': {problem}", answer.Text ?? Transcript(done));
                    return null;
                }

                done.Add(new StepOutput(step.Step, answer.Text ?? ""));
            }

            var content = planner.Assemble(done);
            var promptHash = hashes.Count == 1 ? hashes[0] : PromptRenderer.Hash(string.Join('\n', hashes));
            return new BuiltSample(content, templateId!, promptHash, [.. done.Select(d => d.Step)]);
        }
        catch (StepOutputException e)
        {
            AddItemFailure(item, e.Message, e.Raw);
            return null;
        }
    }

    public Dictionary<string, string> Parameters(IReadOnlyCollection<string> repairs, SelectedDemos? demos)
    {
        var generation = job.Spec.Generation;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["temperature"] = generation.Temperature.ToString(CultureInfo.InvariantCulture),
            ["topP"] = generation.TopP.ToString(CultureInfo.InvariantCulture),
            ["maxOutputTokens"] = generation.MaxOutputTokens.ToString(CultureInfo.InvariantCulture),
        };
        if (repairs.Count > 0)
        {
            parameters["repairs"] = string.Join(',', repairs);
        }

        if (demos is not null)
        {
            parameters["demoTokens"] = demos.Tokens.ToString(CultureInfo.InvariantCulture);
            if (demos.Dropped.Count > 0)
            {
                // Chosen but left out to keep the prompt within demonstrations.tokenBudget.
                parameters["demosDropped"] = string.Join(',', demos.Dropped);
            }
        }

        return parameters;
    }

    public void AddDraft(SampleContent content, string strategy, string templateId, string promptHash, SelectedDemos? demos, IReadOnlyDictionary<string, string> parameters) =>
        _drafts.Add(new SampleDraft
        {
            Content = content,
            Strategy = strategy,
            TemplateId = templateId,
            PromptHash = promptHash,
            Conditions = conditions,
            DemoIds = demos?.DemoIds ?? [],
            Parameters = parameters,
        });

    public void AddItemFailure(int? itemIndex, string reason, string raw) =>
        _itemFailures.Add(new RequestItemFailure { ItemIndex = itemIndex, Reason = reason, Raw = raw });

    public void Fail(string error, string? raw)
    {
        _error = error;
        _raw = raw;
    }

    /// <summary>A request that built no sample fails, with its first item's reason.</summary>
    public void FailIfEmpty()
    {
        if (_drafts.Count == 0 && _error is null)
        {
            Fail(_itemFailures.Count > 0 ? $"no sample built: {_itemFailures[0].Reason}" : "no sample built", _itemFailures.Count > 0 ? _itemFailures[0].Raw : null);
        }
    }

    public GenerationResult Result() => new()
    {
        Drafts = _error is null ? [.. _drafts] : [],
        Provider = job.Connection.Provider.ToString(),
        Model = job.Connection.Model,
        Usage = new TokenUsage { PromptTokens = _promptTokens, CompletionTokens = _completionTokens },
        CostUsd = _cost,
        Attempts = Math.Max(1, _attempts),
        Error = _error,
        RawResponse = _raw,
        ItemFailures = [.. _itemFailures],
    };

    private static string Transcript(IReadOnlyList<StepOutput> done) =>
        string.Join("\n\n", done.Select(d => $"[{d.Step}]\n{d.Text}"));
}
