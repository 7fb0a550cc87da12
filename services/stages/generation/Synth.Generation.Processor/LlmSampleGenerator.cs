using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Datasets;
using Synth.Llm.Embeddings;
using Synth.Generation.Conditions;
using Synth.Generation.Demonstrations;
using Synth.Generation.Parsing;
using Synth.Generation.Prompts;
using Synth.Generation.Strategies;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Generation.Processor;

/// <summary>
/// The built-in generator: D_gen ← M_p(T, D_sup) with p = E(e_task, e_condition, e_demo). Per request it plans the
/// conditions, picks the demonstrations, and runs the job's strategy: single-step (one call for n samples, with the
/// task's JSON schema where the provider supports it), annotation (one call per unlabelled input), or a sample built
/// in steps (dialogue turns, chain-of-thought, outline then sections), each step one call conditioned on the earlier
/// answers. Every call goes through the job's <see cref="CallGate"/> (budget, rate limits, adaptive concurrency).
/// Every item that cannot become a sample is returned as an item failure with its raw text; a request with no usable
/// item fails with its reason; a request whose first call the budget refuses throws
/// <see cref="BudgetExhaustedException"/>, so it is not recorded and generation stops.
/// </summary>
/// <param name="clients">Builds the model clients; the default reads API keys from the environment variables the spec names.</param>
/// <param name="budgetStore">Holds each job's budget across instances; without it the budget is held in this process.</param>
/// <param name="embeddings">Embeds demonstrations and queries; the local MiniLM model when not given.</param>
/// <param name="conceptTrees">Holds dataset-wise decomposition's grown trees and request plans across instances; without it they live in this process.</param>
/// <param name="failures">Where failed concept expansions are stored as counted failures.</param>
public sealed class LlmSampleGenerator(
    ILoggerFactory loggerFactory,
    TimeProvider time,
    ChatClientFactory? clients = null,
    IBudgetStore? budgetStore = null,
    InstanceIdentity? instance = null,
    IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
    IConceptTreeStore? conceptTrees = null,
    ISampleStore? failures = null) : ISampleGenerator, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JobGeneration>>> _jobs = new(StringComparer.Ordinal);
    private readonly ChatClientFactory _clients = clients ?? new ChatClientFactory();
    private readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>> _embeddings = new(() => embeddings ?? new MiniLmEmbeddingGenerator());
    private readonly string _instance = instance?.Name ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    public async ValueTask PrepareAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        var generation = await ForAsync(job).ConfigureAwait(false);
        // A (re)started run: a breaker tripped before is the reason the job was paused, and resuming it tries again.
        generation.Gate.ResetBreaker();
        await generation.Budget.ReleaseAbandonedAsync(cancellationToken).ConfigureAwait(false);
        if (generation.Growth is { } growth)
        {
            await growth.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var job = await ForAsync(request.Job).ConfigureAwait(false);
        var conditions = job.Growth is { } growth
            ? await growth.PlanAsync(request.RequestIndex, cancellationToken).ConfigureAwait(false)
            : job.Steering is { } steering
                ? await SteerAsync(job, steering, request, cancellationToken).ConfigureAwait(false)
                : job.Planner.Plan(request.RequestIndex);
        var run = new RequestRun(job, request, conditions);
        switch (request.Job.Spec.Generation.Strategy)
        {
            case GenerationStrategy.Annotation:
                await AnnotateAsync(run, cancellationToken).ConfigureAwait(false);
                break;
            case GenerationStrategy.Dialogue or GenerationStrategy.ChainOfThought or GenerationStrategy.OutlineSections:
                await GenerateInStepsAsync(run, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await GenerateInOneStepAsync(run, cancellationToken).ConfigureAwait(false);
                break;
        }

        return run.Result();
    }

    /// <summary>
    /// Least-covered planning of the job's later requests, and the label steering of a class-conditional job, work from
    /// the evaluator's counts from now on.
    /// </summary>
    public ValueTask OnFeedbackAsync(FeedbackMessage feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (_jobs.TryGetValue(feedback.JobId, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
        {
            var job = entry.Value.Result;
            lock (job.Feedback)
            {
                job.Feedback.Apply(feedback);
                if (job.Planner.Policy == SamplingPolicy.LeastCovered)
                {
                    job.Planner.Coverage.ReplaceAll(FeedbackCoverage.Sets(job.Feedback.ConditionCounts(feedback.JobId)));
                }

                job.Steering?.Curated(job.Feedback.LabelCounts(feedback.JobId));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A class-conditional request's conditions: the planner's, with the label of the largest curated deficit
    /// (<see cref="LabelSteering"/>). The label is decided when the request is first sent and recorded with its index
    /// (first writer wins), so a request retried by another instance or after a restart asks for the same label.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> SteerAsync(JobGeneration job, LabelSteering steering, GenerationRequest request, CancellationToken cancellationToken)
    {
        var conditions = new Dictionary<string, string>(job.Planner.Plan(request.RequestIndex), StringComparer.Ordinal)
        {
            [ClassConditioning.Dimension] = steering.Next(request.SampleCount),
        };
        if (conceptTrees is null)
        {
            return conditions;
        }

        var stored = await conceptTrees.RecordPlanAsync(request.Job.JobId, request.RequestIndex, conditions, cancellationToken).ConfigureAwait(false);
        if (stored.GetValueOrDefault(ClassConditioning.Dimension) is { } recorded && recorded != conditions[ClassConditioning.Dimension])
        {
            steering.Withdraw(conditions[ClassConditioning.Dimension], request.SampleCount);
            steering.Asked(recorded, request.SampleCount);
        }

        return stored;
    }

    /// <summary>The job's decomposition state in this instance, once the job has started; null for other strategies.</summary>
    internal ConceptGrowth? GrowthOf(string jobId) =>
        _jobs.TryGetValue(jobId, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully ? entry.Value.Result.Growth : null;

    public void Dispose()
    {
        foreach (var job in _jobs.Values.Where(j => j.IsValueCreated && j.Value.IsCompletedSuccessfully))
        {
            job.Value.Result.Connection.Dispose();
        }

        if (_embeddings.IsValueCreated && embeddings is null)
        {
            _embeddings.Value.Dispose();
        }
    }

    private async Task GenerateInOneStepAsync(RequestRun run, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        var demos = await run.Job.SelectDemosAsync(QueryText(spec, run.Conditions), run.Request.RequestIndex, cancellationToken).ConfigureAwait(false);
        var prompt = PromptRenderer.Render(
            new PromptInputs
            {
                Task = spec.Task,
                Conditions = run.Conditions,
                Demos = demos?.Demos ?? [],
                Knowledge = run.Job.Knowledge,
                SampleCount = run.Request.SampleCount,
            },
            run.Job.TemplateOverride);
        var llmRequest = new LlmRequest([new ChatMessage(ChatRole.User, prompt.Text)])
        {
            OutputSchema = run.Job.OutputSchema(run.Request.SampleCount),
        };

        var answer = await run.SendAsync(llmRequest, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return;
        }

        if (RequestRun.Problem(answer) is { } problem)
        {
            run.Fail(problem, answer.Outcome == LlmOutcome.Refusal ? answer.Text : null);
            return;
        }

        var parsed = OutputParser.Parse(answer.Text ?? "", spec.Task);
        var parameters = run.Parameters(parsed.Repairs, demos);
        foreach (var draft in parsed.Drafts.Take(run.Request.SampleCount))
        {
            run.AddDraft(draft.Content, StrategyName(spec.Generation.Strategy), prompt.TemplateId, prompt.PromptHash, demos, parameters);
        }

        foreach (var failure in parsed.Failures)
        {
            run.AddItemFailure(failure.ItemIndex, failure.Reason, failure.Raw);
        }

        foreach (var extra in parsed.Drafts.Skip(run.Request.SampleCount))
        {
            run.AddItemFailure(
                extra.ItemIndex,
                string.Create(CultureInfo.InvariantCulture, $"beyond the {run.Request.SampleCount} samples asked for"),
                JsonSerializer.Serialize(extra.Content, Contracts.Messaging.SampleJson.Options));
        }

        if (parsed.Drafts.Count == 0)
        {
            run.Fail($"no usable sample in the answer: {(parsed.Failures.Count > 0 ? parsed.Failures[0].Reason : "the answer held no sample")}", answer.Text);
        }
    }

    private static Task AnnotateAsync(RequestRun run, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        var first = run.Request.RequestIndex * spec.Generation.SamplesPerRequest;
        return BuildEachAsync(run, async item =>
        {
            var input = run.Job.Inputs[(int)(first + item)];
            var demos = await run.Job.SelectDemosAsync(SampleText.Of(input.Content), run.Request.RequestIndex, cancellationToken).ConfigureAwait(false);
            var planner = new AnnotationPlanner(
                new PromptInputs { Task = spec.Task, Conditions = run.Conditions, Demos = demos?.Demos ?? [], Knowledge = run.Job.Knowledge, Input = input.Content },
                run.Job.TemplateOverride);
            return (planner, demos, input.Id);
        }, cancellationToken);
    }

    private static async Task GenerateInStepsAsync(RequestRun run, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        var demos = await run.Job.SelectDemosAsync(QueryText(spec, run.Conditions), run.Request.RequestIndex, cancellationToken).ConfigureAwait(false);
        var preamble = PromptRenderer.RenderPreamble(new PromptInputs
        {
            Task = spec.Task,
            Conditions = run.Conditions,
            Demos = demos?.Demos ?? [],
            Knowledge = run.Job.Knowledge,
        });
        await BuildEachAsync(run, item =>
        {
            // Every sample of the job draws its own dialogue length, so a rerun plans the same conversation.
            var sampleIndex = (run.Request.RequestIndex * spec.Generation.SamplesPerRequest) + item;
            StepPlanner planner = spec.Generation.Strategy switch
            {
                GenerationStrategy.Dialogue => new DialoguePlanner(preamble, DialoguePlanner.TurnCount(spec.Generation.Dialogue ?? new DialogueSpec(), spec.Generation.Seed, sampleIndex)),
                GenerationStrategy.ChainOfThought => new ChainOfThoughtPlanner(preamble, spec.Task.Type),
                _ => new OutlinePlanner(preamble, spec.Generation.Outline ?? new OutlineSpec()),
            };
            return Task.FromResult<(StepPlanner, SelectedDemos?, string?)>((planner, demos, null));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds each sample of the request in steps. Once the budget refuses a call, the samples not yet built are item
    /// failures naming the limit; a request that built none fails.
    /// </summary>
    private static async Task BuildEachAsync(
        RequestRun run, Func<int, Task<(StepPlanner Planner, SelectedDemos? Demos, string? InputId)>> plan, CancellationToken cancellationToken)
    {
        for (var item = 0; item < run.Request.SampleCount; item++)
        {
            if (run.BudgetStop is { } stop)
            {
                run.AddItemFailure(item, $"not sent: {stop}", "");
                continue;
            }

            var (planner, demos, inputId) = await plan(item).ConfigureAwait(false);
            if (await run.BuildInStepsAsync(planner, item, cancellationToken).ConfigureAwait(false) is not { } built)
            {
                continue;
            }

            var parameters = run.Parameters([], demos);
            parameters["steps"] = string.Join(',', built.Steps);
            if (inputId is not null)
            {
                parameters["inputId"] = inputId;
            }

            run.AddDraft(built.Content, planner.Strategy, built.TemplateId, built.PromptHash, demos, parameters);
        }

        run.FailIfEmpty();
    }

    private static string StrategyName(GenerationStrategy strategy) =>
        strategy == GenerationStrategy.DatasetDecomposition ? "dataset-decomposition" : "single-step";

    /// <summary>What demonstrations are chosen to be near: the data description and this request's conditions.</summary>
    private static string QueryText(JobSpec spec, IReadOnlyDictionary<string, string> conditions) =>
        string.Join("\n", new[] { spec.Task.DataDescription }.Concat(conditions.Select(c => $"{c.Key}: {c.Value}")));

    private Task<JobGeneration> ForAsync(PipelineJob job)
    {
        if (_jobs.TryGetValue(job.JobId, out var started))
        {
            return started.Value;
        }

        Lazy<Task<JobGeneration>>? created = null;
        created = new Lazy<Task<JobGeneration>>(() => StartOrForgetAsync(job, created!));
        return _jobs.GetOrAdd(job.JobId, created).Value;
    }

    /// <summary>A job that could not start (its key variable unset, its support set unreadable) is tried afresh next time.</summary>
    private async Task<JobGeneration> StartOrForgetAsync(PipelineJob job, Lazy<Task<JobGeneration>> entry)
    {
        try
        {
            return await StartAsync(job).ConfigureAwait(false);
        }
        catch
        {
            _jobs.TryRemove(new KeyValuePair<string, Lazy<Task<JobGeneration>>>(job.JobId, entry));
            throw;
        }
    }

    private async Task<JobGeneration> StartAsync(PipelineJob job)
    {
        var spec = job.Spec;
        TemplateSpec? template = null;
        if (spec.Templates.TryGetValue(spec.Task.Type, out var configured))
        {
            template = new TemplateSpec
            {
                Language = configured.Language,
                Text = configured.Text ?? await File.ReadAllTextAsync(configured.File!).ConfigureAwait(false),
            };
        }

        IReadOnlyList<string> knowledge = spec.Task.DomainKnowledgeFile is { } file
            ? [.. File.ReadLines(file).Select(line => line.Trim()).Where(line => line.Length > 0)]
            : [];
        IReadOnlyList<DatasetRecord> inputs = [];
        if (spec.Generation.Strategy == GenerationStrategy.Annotation)
        {
            var annotation = spec.Generation.Annotation!;
            inputs = DatasetReader.Read(annotation.Inputs);
            if (inputs.Count < spec.Generation.Target)
            {
                throw new InvalidOperationException(
                    $"Job '{job.JobId}': generation.target is {spec.Generation.Target} but {annotation.Inputs.Path} has {inputs.Count} records to annotate; lower the target or add inputs.");
            }
        }

        var demos = await DemonstrationPool.LoadAsync(spec.Demonstrations, () => _embeddings.Value, CancellationToken.None).ConfigureAwait(false);
        var connection = _clients.Create(spec.Generation.Connection);
        var executor = new LlmRequestExecutor(connection, spec.Generation.Connection, LlmSampling.Of(spec.Generation), logger: loggerFactory.CreateLogger<LlmRequestExecutor>(), timeProvider: time);
        var planner = new ConditionPlanner(ClassConditioning.PlannedConditions(spec), spec.Generation.Seed, spec.Generation.SamplesPerRequest);
        // A call cannot outlive its timeout on every attempt plus the back-off between them; a reservation held
        // longer than that belongs to an instance that died.
        var lease = TimeSpan.FromSeconds(spec.Generation.TimeoutSeconds * (spec.Generation.MaxRetries + 1) * 2) + TimeSpan.FromMinutes(5);
        var budget = new PipelineJobBudget(job.JobId, spec.Budget, budgetStore, _instance, lease, time);
        var gate = new CallGate(job.JobId, spec, budget, time);
        gate.Observe(executor);
        var growth = spec.Generation.Strategy == GenerationStrategy.DatasetDecomposition
            ? new ConceptGrowth(job.JobId, spec, planner, gate, executor, connection.Model, conceptTrees, failures, _instance, lease, time, loggerFactory.CreateLogger<ConceptGrowth>())
            : null;
        var steering = growth is null && ClassConditioning.Applies(spec)
            ? new LabelSteering([.. ClassConditioning.PlannedConditions(spec).Dimensions.Single(d => d.Name == ClassConditioning.Dimension).Values.Select(v => (v.Value, v.Weight))])
            : null;
        return new JobGeneration(spec, connection, executor, planner, template, knowledge, demos, inputs, budget, gate, new FeedbackTotals(), growth, steering);
    }

    internal sealed record JobGeneration(
        JobSpec Spec,
        LlmConnection Connection,
        LlmRequestExecutor Executor,
        ConditionPlanner Planner,
        TemplateSpec? TemplateOverride,
        IReadOnlyList<string> Knowledge,
        DemonstrationPool? Demos,
        IReadOnlyList<DatasetRecord> Inputs,
        PipelineJobBudget Budget,
        CallGate Gate,
        FeedbackTotals Feedback,
        ConceptGrowth? Growth,
        LabelSteering? Steering)
    {
        // Built once per sample count: every request of a job sends the same schema.
        private readonly ConcurrentDictionary<int, JsonElement> _schemas = new();

        /// <summary>The structured-output schema of a request for <paramref name="sampleCount"/> samples.</summary>
        public JsonElement OutputSchema(int sampleCount) =>
            _schemas.GetOrAdd(sampleCount, n => JsonSerializer.SerializeToElement(OutputSchemas.ForRequest(Spec.Task, n)));

        public async Task<SelectedDemos?> SelectDemosAsync(string queryText, long requestIndex, CancellationToken cancellationToken) =>
            Demos is null ? null : await Demos.SelectAsync(queryText, Spec.Generation.Seed, requestIndex, cancellationToken).ConfigureAwait(false);
    }
}
