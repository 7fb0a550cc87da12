using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Llm.Models;

namespace Synth.Cli;

/// <summary>
/// Settles a spec's <c>provider: auto</c> sections before a run: the endpoint when it answers, otherwise the local model,
/// downloaded first when it is not in the cache. Says once which model each section uses; the stages then see a
/// concrete provider and never probe again.
/// </summary>
internal static class AutoModels
{
    private const double LocalTimeoutSeconds = 300;

    /// <returns>Null when every section has its model; otherwise the exit code to return (the reason is printed).</returns>
    public static async Task<int?> ResolveAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        var resolver = new ModelConnectionResolver();
        var resolved = new Dictionary<ModelConnection, ResolvedModelConnection>();
        foreach (var (path, call) in SpecModelCalls.Of(spec).Where(c => c.Call.Provider == LlmProvider.Auto).ToList())
        {
            if (!resolved.TryGetValue(call.Connection, out var choice))
            {
                choice = await resolver.ResolveAsync(call.Connection, cancellationToken).ConfigureAwait(false);
                resolved[call.Connection] = choice;
                Console.WriteLine($"{path} uses {choice.Choice}.");
            }

            if (choice.Download is { } model)
            {
                try
                {
                    await ModelDownloadDisplay.PullAsync(new ModelDownloader(resolver.Cache), model, cancellationToken).ConfigureAwait(false);
                }
                catch (ModelDownloadException ex)
                {
                    return CliErrors.Fail(ex.Message, LocalModelHelp.Hint(resolver.Cache, model), ex);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    Console.Error.WriteLine("Cancelled. Rerun the same command to resume the download.");
                    return ExitCodes.Cancelled;
                }
            }

            var connection = choice.Connection;
            call.Provider = connection.Provider;
            call.Model = connection.Model;
            call.BaseUrl = connection.BaseUrl;
            call.ApiKeyEnv = connection.ApiKeyEnv;
            call.ModelPath = connection.ModelPath;
            if (call is GenerationSpec generation && connection.Provider == LlmProvider.LLamaSharp)
            {
                // The in-process model answers one request at a time on the CPU: requests waiting for it would
                // count against their timeout, and a laptop needs longer per answer than an endpoint does.
                generation.Concurrency = 1;
                generation.TimeoutSeconds = Math.Max(generation.TimeoutSeconds, LocalTimeoutSeconds);
            }
        }

        return null;
    }
}
