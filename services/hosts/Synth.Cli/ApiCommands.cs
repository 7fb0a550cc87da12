using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Synth.Cli;

/// <summary>
/// <c>synth submit|status|pause|resume|cancel</c>: control jobs of a running deployment through Synth.Api
/// (docs/api.md). The API is --api or SYNTH_API_URL; the key --api-key or SYNTH_API_KEY.
/// </summary>
public static class ApiCommands
{
    public static Command Submit()
    {
        var spec = new Argument<FileInfo>("spec") { Description = "The job spec (YAML or JSON), see docs/job-spec.md." };
        var (api, key) = ConnectionOptions();
        var command = new Command("submit", "Submit a job spec to a running deployment; it is validated there, stored and started.") { spec, api, key };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(api), parse.GetValue(key), async client =>
        {
            var file = parse.GetRequiredValue(spec);
            if (!file.Exists)
            {
                throw new ApiCallException($"job spec '{file.FullName}' does not exist.", ExitCodes.InvalidSpec);
            }

            var text = await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            var mediaType = file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/yaml";
            try
            {
                var detail = await client.SubmitAsync(text, mediaType, cancellationToken).ConfigureAwait(false);
                var job = detail["job"]!;
                Console.Out.WriteLine($"Submitted job {job["id"]} ({job["state"]}, target {job["targetCount"]} samples). Follow it with: synth status {job["id"]}");
            }
            catch (ApiCallException ex) when (ex.IsSpecError)
            {
                // Name the file, as synth validate does: spec.yaml:12:5: generation.temperatur: unknown field …
                throw new ApiCallException(string.Join(Environment.NewLine, ex.Message.Split(Environment.NewLine).Select(line => $"{file.FullName}:{line}")), ex.ExitCode);
            }
        }, cancellationToken));
        return command;
    }

    public static Command Status()
    {
        var job = new Argument<string?>("job") { Description = "A job id; all jobs when left out.", Arity = ArgumentArity.ZeroOrOne };
        var (api, key) = ConnectionOptions();
        var command = new Command("status", "Show the jobs of a running deployment (state, counts per stage, budget), or one job with its state history.") { job, api, key };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(api), parse.GetValue(key), async client =>
        {
            if (parse.GetValue(job) is { } jobId)
            {
                var detail = await client.GetAsync($"jobs/{Uri.EscapeDataString(jobId)}", cancellationToken).ConfigureAwait(false);
                PrintJob(detail["job"]!.AsObject());
                Console.Out.WriteLine("History:");
                foreach (var transition in detail["transitions"]!.AsArray())
                {
                    Console.Out.WriteLine($"  {Time(transition!["at"])}  {transition["from"]} -> {transition["to"]}{(transition["reason"] is { } reason ? $"  ({reason})" : "")}");
                }

                return;
            }

            var count = 0;
            string? after = null;
            do
            {
                var page = await client.GetAsync($"jobs?limit=100{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}", cancellationToken).ConfigureAwait(false);
                foreach (var item in page["items"]!.AsArray())
                {
                    PrintJob(item!.AsObject());
                    count++;
                }

                after = page["nextAfter"]?.GetValue<string>();
            }
            while (after is not null);
            if (count == 0)
            {
                Console.Out.WriteLine($"No jobs at {client.BaseUrl}.");
            }
        }, cancellationToken));
        return command;
    }

    /// <summary><c>synth pause|resume|cancel &lt;job&gt;</c>.</summary>
    public static Command Lifecycle(string verb)
    {
        var description = verb switch
        {
            "pause" => "Pause a running job of a deployment (generation stops; resume continues where it stopped).",
            "resume" => "Resume a paused job of a deployment.",
            "cancel" => "Cancel a job of a deployment; what it made so far stays in the store.",
            _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "Not a lifecycle command."),
        };
        var job = new Argument<string>("job") { Description = "The job id." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded with the transition)." };
        var (api, key) = ConnectionOptions();
        var command = new Command(verb, description) { job, api, key };
        if (verb == "cancel")
        {
            command.Options.Add(reason);
        }

        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(api), parse.GetValue(key), async client =>
        {
            var jobId = parse.GetRequiredValue(job);
            var query = verb == "cancel" && parse.GetValue(reason) is { } why ? "?reason=" + Uri.EscapeDataString(why) : "";
            var detail = await client.PostAsync($"jobs/{Uri.EscapeDataString(jobId)}/{verb}{query}", cancellationToken).ConfigureAwait(false);
            Console.Out.WriteLine($"Sent {verb} to job {jobId} (state now {detail["job"]!["state"]}; the change follows shortly: synth status {jobId}).");
        }, cancellationToken));
        return command;
    }

    private static (Option<string?> Api, Option<string?> Key) ConnectionOptions() =>
        (new Option<string?>("--api") { Description = $"Base URL of Synth.Api (default: {ApiClient.UrlVariable}, else {ApiClient.DefaultUrl})." },
         new Option<string?>("--api-key") { Description = $"API key (default: {ApiClient.KeyVariable}). Prefer the variable: a command line is visible to other users." });

    private static async Task<int> RunAsync(string? url, string? key, Func<ApiClient, Task> call, CancellationToken cancellationToken)
    {
        try
        {
            using var client = ApiClient.Create(url, key);
            await call(client).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (ApiCallException ex)
        {
            foreach (var line in ex.Message.Split(Environment.NewLine))
            {
                Console.Error.WriteLine($"error: {line}");
            }

            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }

    private static void PrintJob(JsonObject job)
    {
        var stages = job["counts"]!["stages"]!;
        var states = job["counts"]!["states"]!;
        var spent = job["budget"]!["spent"]!;
        var limits = job["budget"]!["limits"]!;
        Console.Out.WriteLine($"{job["id"]}  {job["state"]}{(job["stateReason"] is { } reason ? $" ({reason})" : "")}  \"{job["name"]}\"");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  generated {stages["generator"]}/{job["targetCount"]}  filtered {stages["filter"]} (rejected {states["rejected"]})  refined {stages["label-refiner"]}  evaluated {stages["evaluator"]}  failures {job["counts"]!["failures"]}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  spent {spent["requests"]}{Limit(limits["maxRequests"])} requests, {spent["tokens"]}{Limit(limits["maxTokens"])} tokens, ${spent["costUsd"]}{Limit(limits["maxCostUsd"])}"));
    }

    private static string Limit(JsonNode? limit) => limit is null ? "" : $"/{limit}";

    private static string Time(JsonNode? value) =>
        value is null ? "" : DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
