using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Api.Tests;

public sealed class JobApiTests : IDisposable
{
    private readonly ApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private HttpClient Client(string? key = ApiFactory.AliceKey)
    {
        var client = _factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public static string Spec(string id, int target = 20) => $$"""
        id: {{id}}
        name: Job {{id}}
        task:
          type: text-classification
          dataDescription: Short product reviews.
          labels:
            - { name: negative, description: The reviewer is dissatisfied. }
            - { name: positive, description: The reviewer is satisfied. }
        generation:
          connection: test
          model: m
          target: {{target}}
        budget:
          maxRequests: 40
          maxCostUsd: 2.5
          prices:
            m: { inputPerMillion: 1, outputPerMillion: 2 }
        """;

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    /// <summary>Polls the job until it has left <paramref name="state"/>; returns the new state.</summary>
    private static async Task<string> WaitForStateChangeAsync(HttpClient client, string jobId, string state)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var now = (await client.GetFromJsonAsync<JsonObject>($"/jobs/{jobId}"))!["job"]!["state"]!.GetValue<string>();
            if (now != state)
            {
                return now;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"job {jobId} is still {state}");
            await Task.Delay(50);
        }
    }

    /// <summary>The state machine makes transitions asynchronously: poll the job until it is in <paramref name="state"/>.</summary>
    public static async Task<JsonObject> WaitForStateAsync(HttpClient client, string jobId, string state)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var detail = (await client.GetFromJsonAsync<JsonObject>($"/jobs/{jobId}"))!;
            if (detail["job"]!["state"]!.GetValue<string>() == state)
            {
                return detail;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"job {jobId} is still {detail["job"]!["state"]}, not {state}");
            await Task.Delay(50);
        }
    }

    /// <summary>Every endpoint the app maps, read from its endpoint data source, so a new endpoint cannot skip the check.</summary>
    [Fact]
    public async Task Every_endpoint_except_health_answers_401_without_a_key()
    {
        using var anonymous = Client(key: null);
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var checkedRoutes = new List<string>();

        foreach (var endpoint in endpoints)
        {
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                _ => "x",
            }))));
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : Yaml("{}") };
                var response = await anonymous.SendAsync(request);
                var expected = path == "/health" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;
                Assert.True(response.StatusCode == expected, $"{method} {path}: {response.StatusCode}");
                checkedRoutes.Add($"{method} {endpoint.RoutePattern.RawText}");
            }
        }

        // The check saw the endpoints of every area.
        foreach (var route in new[] { "POST /jobs/", "GET /jobs/", "GET /jobs/{jobId}", "POST /jobs/{jobId}/pause", "POST /jobs/{jobId}/resume", "POST /jobs/{jobId}/cancel",
            "PUT /jobs/{jobId}/target", "GET /jobs/{jobId}/samples", "GET /samples/{sampleId}", "GET /jobs/{jobId}/report", "GET /jobs/{jobId}/report.html",
            "GET /jobs/{jobId}/export", "GET /reviews/next", "GET /openapi/{documentName}.json" })
        {
            Assert.Contains(route, checkedRoutes);
        }
    }

    [Fact]
    public async Task A_submitted_yaml_or_json_spec_becomes_a_job_with_counts_budget_and_transitions()
    {
        using var client = Client();

        var yaml = await client.PostAsync("/jobs", Yaml(Spec("yaml-job")));
        var json = await client.PostAsync("/jobs", new StringContent("""
            { "name": "Json job", "task": { "type": "text-classification", "dataDescription": "Short reviews.",
              "labels": [ { "name": "a", "description": "A." }, { "name": "b", "description": "B." } ] },
              "generation": { "connection": "test", "model": "m" } }
            """, Encoding.UTF8, "application/json"));

        Assert.True(yaml.StatusCode == HttpStatusCode.Created, await yaml.Content.ReadAsStringAsync());
        Assert.Equal("/jobs/yaml-job", yaml.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        Assert.Equal("json-job", (await json.Content.ReadFromJsonAsync<JsonObject>())!["job"]!["id"]!.GetValue<string>());

        Assert.Equal("submitted", (await yaml.Content.ReadFromJsonAsync<JsonObject>())!["job"]!["state"]!.GetValue<string>());
        // No generator runs in this host, so the job waits in "submitted" for one to start it.
        var detail = (await client.GetFromJsonAsync<JsonObject>("/jobs/yaml-job"))!;
        var job = detail["job"]!;
        Assert.Equal(20, job["targetCount"]!.GetValue<int>());
        Assert.Equal(0, job["counts"]!["stages"]!["filter"]!.GetValue<long>());
        Assert.Equal((40, 2.5m), (job["budget"]!["limits"]!["maxRequests"]!.GetValue<long>(), job["budget"]!["limits"]!["maxCostUsd"]!.GetValue<decimal>()));
        Assert.Equal(0, job["budget"]!["spent"]!["requests"]!.GetValue<long>());
        Assert.Contains("id: yaml-job", detail["specText"]!.GetValue<string>(), StringComparison.Ordinal);

        // The same spec again returns the job; another spec under the same id is refused.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/jobs", Yaml(Spec("yaml-job")))).StatusCode);
        var changed = await client.PostAsync("/jobs", Yaml(Spec("yaml-job", target: 30)));
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Contains("resubmitted with a different spec", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_spec_gets_400_naming_line_and_field_of_every_error()
    {
        using var client = Client();
        var spec = Spec("bad-job").Replace("  model: m", "  model: m\n  temperatur: 0.5", StringComparison.Ordinal).Replace("target: 20", "target: -3", StringComparison.Ordinal);

        var response = await client.PostAsync("/jobs", Yaml(spec));
        var outOfRange = await client.PostAsync("/jobs", Yaml(Spec("bad-job", target: -3)));
        var empty = await client.PostAsync("/jobs", Yaml("  "));
        var malformed = await client.PostAsync("/jobs", Yaml("name: [unclosed\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var errors = problem["errors"]!.AsArray().Select(e => (Field: e!["field"]!.GetValue<string>(), Line: e["line"]?.GetValue<long>(), Message: e["message"]!.GetValue<string>())).ToList();
        Assert.Contains(errors, e => e.Field == "generation.temperatur" && e.Line == 12 && e.Message.Contains("temperature", StringComparison.Ordinal));
        Assert.Contains("request body:12:", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        var rangeError = (await outOfRange.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!;
        Assert.Equal(("generation.target", 12L), (rangeError["field"]!.GetValue<string>(), rangeError["line"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("empty", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.NotNull((await malformed.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!["line"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/jobs/bad-job")).StatusCode);
    }

    [Fact]
    public async Task Paging_walks_every_job_exactly_once_and_rejects_a_bad_page_size()
    {
        using var client = Client();
        var ids = Enumerable.Range(0, 7).Select(i => $"page-job-{i}").ToList();
        foreach (var id in ids.AsEnumerable().Reverse())
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/jobs", Yaml(Spec(id)))).StatusCode);
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = (await client.GetFromJsonAsync<JsonObject>($"/jobs?limit=3{(after is null ? "" : "&after=" + after)}"))!;
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 3);
            Assert.All(items, item => Assert.NotNull(item!["counts"]!["states"]!["evaluated"]));
            seen.AddRange(items.Select(item => item!["id"]!.GetValue<string>()));
            after = page["nextAfter"]?.GetValue<string>();
            pages++;
        }
        while (after is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
        var badLimit = await client.GetAsync("/jobs?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit", await badLimit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_resume_cancel_and_target_go_through_the_control_plane_with_404_and_409()
    {
        using var client = Client();
        await client.PostAsync("/jobs", Yaml(Spec("life-job")));

        var resumeRunning = await client.PostAsync("/jobs/life-job/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, resumeRunning.StatusCode);
        Assert.Contains("is submitted: it cannot be resumed", await resumeRunning.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/jobs/life-job/pause", null)).StatusCode);
        await WaitForStateAsync(client, "life-job", "paused");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/jobs/life-job/resume", null)).StatusCode);
        var resumedTo = await WaitForStateChangeAsync(client, "life-job", "paused");

        var target = await client.PutAsJsonAsync("/jobs/life-job/target", new { targetCount = 50 });
        var badTarget = await client.PutAsJsonAsync("/jobs/life-job/target", new { targetCount = 0 });
        Assert.Equal(HttpStatusCode.Accepted, target.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badTarget.StatusCode);
        Assert.Contains("targetCount", await badTarget.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/jobs/life-job/cancel?reason=wrong%20labels", null)).StatusCode);
        var detail = await WaitForStateAsync(client, "life-job", "cancelled");
        var pauseCancelled = await client.PostAsync("/jobs/life-job/pause", null);
        Assert.Equal(HttpStatusCode.Conflict, pauseCancelled.StatusCode);
        Assert.Contains("is cancelled: it cannot be paused", await pauseCancelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/jobs/no-such-job/pause", null)).StatusCode);

        Assert.Equal(["submitted", "paused", resumedTo, "cancelled"], detail["transitions"]!.AsArray().Select(t => t!["to"]!.GetValue<string>()));
        Assert.Contains("wrong labels", detail["transitions"]!.AsArray().Last()!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Samples_are_browsed_by_stage_decision_label_reason_and_text_page_by_page()
    {
        using var client = Client();
        await client.PostAsync("/jobs", Yaml(Spec("browse-job")));
        var store = await _factory.StoreAsync();
        for (var i = 0; i < 9; i++)
        {
            var sample = ApiFactory.Queued("browse-job", i, i % 3 == 0 ? "positive" : "negative", 0.5);
            sample.Review = null;
            sample.State = i < 3 ? SampleState.Rejected : SampleState.Evaluated;
            sample.Content.Text = i == 4 ? "The Battery died fast" : $"review text {i}";
            sample.Decisions.Add(new StageDecision { Stage = Stage.Filter, Outcome = sample.State == SampleState.Rejected ? SampleState.Rejected : SampleState.Accepted, Reason = i < 3 ? "too short" : null });
            await store.SaveSampleAsync(sample, CancellationToken.None);
        }

        async Task<List<string>> BrowseAsync(string filter)
        {
            var ids = new List<string>();
            string? after = null;
            do
            {
                var page = (await client.GetFromJsonAsync<JsonObject>($"/jobs/browse-job/samples?limit=2&{filter}{(after is null ? "" : "&after=" + after)}"))!;
                ids.AddRange(page["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()));
                after = page["nextAfter"]?.GetValue<string>();
            }
            while (after is not null);
            return ids;
        }

        var all = await BrowseAsync("");
        Assert.Equal(9, all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(3, (await BrowseAsync("decision=rejected")).Count);
        Assert.Equal(6, (await BrowseAsync("stage=evaluator&decision=accepted")).Count);
        Assert.Empty(await BrowseAsync("stage=generator"));
        Assert.Equal(2, (await BrowseAsync("label=positive&decision=accepted")).Count);
        Assert.Equal(3, (await BrowseAsync("reason=TOO%20short")).Count);
        Assert.Equal([SampleIds.For("browse-job", 4, 0)], await BrowseAsync("q=battery&stage=&decision="));

        var rejected = (await client.GetFromJsonAsync<JsonObject>("/jobs/browse-job/samples?decision=rejected&limit=1"))!["items"]![0]!;
        Assert.Equal(("rejected", "too short"), (rejected["state"]!.GetValue<string>(), rejected["rejectReason"]!.GetValue<string>()));
        var bad = await client.GetAsync("/jobs/browse-job/samples?stage=reviewer&decision=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["decision", "stage"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/jobs/no-such-job/samples")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/samples/no-such-sample")).StatusCode);
    }

    [Fact]
    public async Task Reports_are_404_until_stored_and_the_openapi_document_lists_every_endpoint()
    {
        using var client = Client();
        await client.PostAsync("/jobs", Yaml(Spec("report-job")));

        var report = await client.GetAsync("/jobs/report-job/report");
        var export = await client.GetAsync("/jobs/report-job/export?format=csv");
        var unknown = await client.GetAsync("/jobs/no-such-job/report.html");

        Assert.Equal(HttpStatusCode.NotFound, report.StatusCode);
        Assert.Contains("no report yet", await report.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, export.StatusCode);
        Assert.Contains("jsonl, parquet", await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject().Select(path => path.Key).ToList();
        foreach (var path in new[] { "/jobs", "/jobs/{jobId}", "/jobs/{jobId}/pause", "/jobs/{jobId}/resume", "/jobs/{jobId}/cancel", "/jobs/{jobId}/target",
            "/jobs/{jobId}/samples", "/samples/{sampleId}", "/jobs/{jobId}/report", "/jobs/{jobId}/report.html", "/jobs/{jobId}/export" })
        {
            Assert.Contains(path, paths);
        }
    }
}
