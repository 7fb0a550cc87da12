using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation;
using Synth.Generation.Accounting;
using Synth.Generation.Conditions;
using Synth.Generation.Parsing;
using Synth.Generation.Prompts;
using Synth.Llm;
using Synth.Pipeline;

namespace Synth.Generation.Processor;

/// <summary>
/// The built-in generator: single-step conditioned generation (the survey's D_gen ← M_p(T, D_sup) with
/// p = E(e_task, e_condition)). Per request it plans the conditions, renders the prompt, asks the model for n samples
/// (with the task's JSON schema where the provider supports it), and turns the answer into drafts; every item that
/// cannot become a sample is returned as an item failure with its raw text, and a request with no usable item fails
/// with its reason. Demonstrations and the multi-step strategies are not wired yet: such a job is refused at
/// <see cref="PrepareAsync"/>, before anything is sent or recorded.
/// </summary>
/// <param name="clients">Builds the model clients; the default reads API keys from the environment variables the spec names.</param>
public sealed class LlmSampleGenerator(ILoggerFactory loggerFactory, TimeProvider time, ChatClientFactory? clients = null) : ISampleGenerator, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<JobGeneration>> _jobs = new(StringComparer.Ordinal);
    private readonly ChatClientFactory _clients = clients ?? new ChatClientFactory();

    public ValueTask PrepareAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        _ = For(job);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var job = For(request.Job);
        var spec = request.Job.Spec;
        var conditions = job.Planner.Plan(request.RequestIndex);
        var prompt = PromptRenderer.Render(
            new PromptInputs { Task = spec.Task, Conditions = conditions, Knowledge = job.Knowledge, SampleCount = request.SampleCount },
            job.TemplateOverride);
        var llmRequest = new LlmRequest([new ChatMessage(ChatRole.User, prompt.Text)])
        {
            OutputSchema = JsonSerializer.SerializeToElement(OutputSchemas.ForRequest(spec.Task, request.SampleCount)),
        };

        var answer = await job.Executor.ExecuteAsync(llmRequest, cancellationToken).ConfigureAwait(false);
        var usage = new TokenUsage { PromptTokens = answer.PromptTokens ?? 0, CompletionTokens = answer.CompletionTokens ?? 0 };
        var cost = CostCalculator.PriceOf(spec.Budget, job.Connection.Model) is { } price ? CostCalculator.Cost(price, usage) : 0m;
        var accounted = new GenerationResult
        {
            Provider = job.Connection.Provider.ToString(),
            Model = job.Connection.Model,
            Usage = usage,
            CostUsd = cost,
            Attempts = answer.Attempts.Count,
        };

        switch (answer.Outcome)
        {
            case LlmOutcome.Failure:
                return accounted with { Error = answer.FailureReason ?? "the model call failed" };
            case LlmOutcome.Refusal:
                return accounted with { Error = "the model refused", RawResponse = answer.Text };
        }

        var parsed = OutputParser.Parse(answer.Text ?? "", spec.Task);
        var kept = parsed.Drafts.Take(request.SampleCount).ToList();
        List<RequestItemFailure> itemFailures =
        [
            .. parsed.Failures.Select(f => new RequestItemFailure { ItemIndex = f.ItemIndex, Reason = f.Reason, Raw = f.Raw }),
            .. parsed.Drafts.Skip(request.SampleCount).Select(d => new RequestItemFailure
            {
                ItemIndex = d.ItemIndex,
                Reason = string.Create(CultureInfo.InvariantCulture, $"beyond the {request.SampleCount} samples asked for"),
                Raw = JsonSerializer.Serialize(d.Content, Contracts.Messaging.SampleJson.Options),
            }),
        ];
        if (kept.Count == 0)
        {
            var reason = parsed.Failures.Count > 0 ? parsed.Failures[0].Reason : "the answer held no sample";
            return accounted with { Error = $"no usable sample in the answer: {reason}", RawResponse = answer.Text, ItemFailures = itemFailures };
        }

        var parameters = new Dictionary<string, string>
        {
            ["temperature"] = spec.Generation.Temperature.ToString(CultureInfo.InvariantCulture),
            ["topP"] = spec.Generation.TopP.ToString(CultureInfo.InvariantCulture),
            ["maxOutputTokens"] = spec.Generation.MaxOutputTokens.ToString(CultureInfo.InvariantCulture),
        };
        if (parsed.Repairs.Count > 0)
        {
            parameters["repairs"] = string.Join(',', parsed.Repairs);
        }

        return accounted with
        {
            Drafts = [.. kept.Select(d => new SampleDraft
            {
                Content = d.Content,
                Strategy = "single-step",
                TemplateId = prompt.TemplateId,
                PromptHash = prompt.PromptHash,
                Conditions = conditions,
                Parameters = parameters,
            })],
            ItemFailures = itemFailures,
        };
    }

    public void Dispose()
    {
        foreach (var job in _jobs.Values.Where(j => j.IsValueCreated))
        {
            job.Value.Connection.Dispose();
        }
    }

    private JobGeneration For(PipelineJob job)
    {
        var entry = _jobs.GetOrAdd(job.JobId, _ => new Lazy<JobGeneration>(() => Start(job)));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A job that could not start (e.g. its key variable was unset) is tried afresh next time.
            _jobs.TryRemove(new KeyValuePair<string, Lazy<JobGeneration>>(job.JobId, entry));
            throw;
        }
    }

    private JobGeneration Start(PipelineJob job)
    {
        var spec = job.Spec;
        if (spec.Generation.Strategy != GenerationStrategy.SingleStep)
        {
            throw new NotSupportedException(
                $"Job '{job.JobId}': generation.strategy '{spec.Generation.Strategy}' is not supported by the built-in generator yet; only single-step is.");
        }

        if (spec.Demonstrations.K > 0)
        {
            throw new NotSupportedException(
                $"Job '{job.JobId}': demonstrations are not supported by the built-in generator yet; set demonstrations.k to 0.");
        }

        TemplateSpec? template = null;
        if (spec.Templates.TryGetValue(spec.Task.Type, out var configured))
        {
            template = new TemplateSpec
            {
                Language = configured.Language,
                Text = configured.Text ?? File.ReadAllText(configured.File!),
            };
        }

        IReadOnlyList<string> knowledge = spec.Task.DomainKnowledgeFile is { } file
            ? [.. File.ReadLines(file).Select(line => line.Trim()).Where(line => line.Length > 0)]
            : [];
        var connection = _clients.Create(spec.Generation);
        var executor = new LlmRequestExecutor(connection, spec.Generation, logger: loggerFactory.CreateLogger<LlmRequestExecutor>(), timeProvider: time);
        var planner = new ConditionPlanner(spec.Conditions, spec.Generation.Seed, spec.Generation.SamplesPerRequest);
        return new JobGeneration(connection, executor, planner, template, knowledge);
    }

    private sealed record JobGeneration(
        LlmConnection Connection,
        LlmRequestExecutor Executor,
        ConditionPlanner Planner,
        TemplateSpec? TemplateOverride,
        IReadOnlyList<string> Knowledge);
}
