using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Synth.Api.Tests;

/// <summary>Every command and human label is recorded with who, what and when, and shows on the job and the sample.</summary>
public sealed class AuditTests : IDisposable
{
    private readonly ApiFactory _factory = new(new()
    {
        ["Api:Keys:0:Name"] = "alice",
        ["Api:Keys:0:Key"] = ApiFactory.AliceKey,
        ["Api:Keys:0:Role"] = "reviewer",
        ["Api:Keys:1:Name"] = "bob",
        ["Api:Keys:1:Key"] = ApiFactory.BobKey,
        ["Api:Keys:1:Role"] = "operator",
        ["Api:MaxRunningJobsPerKey"] = "1",
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Each_accepted_command_is_on_the_job_with_its_sender_and_a_refused_one_is_not()
    {
        using var bob = Client(ApiFactory.BobKey);
        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsync("/jobs", Yaml(JobApiTests.Spec("audited")))).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostAsync("/jobs/audited/pause", null)).StatusCode);
        await WaitForStateAsync(bob, "audited", "paused");
        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostAsync("/jobs/audited/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await bob.PutAsJsonAsync("/jobs/audited/target", new { targetCount = 50 })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostAsync("/jobs/audited/cancel?reason=wrong%20labels", null)).StatusCode);
        await WaitForStateAsync(bob, "audited", "cancelled");
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostAsync("/jobs/audited/pause", null)).StatusCode);

        var audit = (await bob.GetFromJsonAsync<JsonObject>("/jobs/audited"))!["audit"]!.AsArray();
        Assert.Equal(["submit", "pause", "resume", "retarget", "cancel"], audit.Select(a => a!["action"]!.GetValue<string>()));
        Assert.All(audit, a => Assert.Equal("bob", a!["actor"]!.GetValue<string>()));
        Assert.Equal("50", audit[3]!["detail"]!.GetValue<string>());
        Assert.Equal("wrong labels", audit[4]!["detail"]!.GetValue<string>());
        var times = audit.Select(a => DateTimeOffset.Parse(a!["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task A_human_label_is_on_the_sample_and_on_its_job()
    {
        var store = await _factory.StoreAsync();
        await store.UpsertJobAsync(ApiFactory.Job("labelled"), CancellationToken.None);
        await store.SaveSampleAsync(ApiFactory.Queued("labelled", 1, "positive", 0.9), CancellationToken.None);
        using var alice = Client(ApiFactory.AliceKey);

        var task = (await alice.GetFromJsonAsync<JsonObject>("/reviews/next"))!;
        var sampleId = task["sampleId"]!.GetValue<string>();
        var labelled = await alice.PostAsJsonAsync($"/reviews/{sampleId}/label", new { label = "negative", leaseToken = task["leaseToken"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);

        var lineage = (await alice.GetFromJsonAsync<JsonObject>($"/samples/{sampleId}"))!;
        var record = Assert.Single(lineage["audit"]!.AsArray())!;
        Assert.Equal(("alice", "label", "negative"), (record["actor"]!.GetValue<string>(), record["action"]!.GetValue<string>(), record["detail"]!.GetValue<string>()));
        Assert.Contains(lineage["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "audit" && e["summary"]!.GetValue<string>() == "alice: label negative");
        var onJob = Assert.Single((await alice.GetFromJsonAsync<JsonObject>("/jobs/labelled"))!["audit"]!.AsArray())!;
        Assert.Equal(sampleId, onJob["sampleId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_key_at_its_running_jobs_cap_gets_429_until_one_of_its_jobs_ends()
    {
        using var bob = Client(ApiFactory.BobKey);
        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsync("/jobs", Yaml(JobApiTests.Spec("first")))).StatusCode);

        var refused = await bob.PostAsync("/jobs", Yaml(JobApiTests.Spec("second")));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Api:MaxRunningJobsPerKey = 1", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostAsync("/jobs/first/cancel", null)).StatusCode);
        await WaitForStateAsync(bob, "first", "cancelled");
        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsync("/jobs", Yaml(JobApiTests.Spec("second")))).StatusCode);
    }

    private HttpClient Client(string key)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static async Task WaitForStateAsync(HttpClient client, string jobId, string state)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await client.GetFromJsonAsync<JsonObject>($"/jobs/{jobId}"))!["job"]!["state"]!.GetValue<string>() != state)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"job {jobId} never reached {state}");
            await Task.Delay(50);
        }
    }
}
