using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;

namespace Synth.Api.Tests;

public sealed class ReviewApiTests : IDisposable
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

    private async Task<string> SeedAsync(params (string Label, double Priority)[] queued)
    {
        var jobId = "job-" + Guid.NewGuid().ToString("N")[..8];
        var store = await _factory.StoreAsync();
        await store.UpsertJobAsync(ApiFactory.Job(jobId), CancellationToken.None);
        for (var i = 0; i < queued.Length; i++)
        {
            await store.SaveSampleAsync(ApiFactory.Queued(jobId, i + 1, queued[i].Label, queued[i].Priority), CancellationToken.None);
        }

        return jobId;
    }

    [Fact]
    public async Task Health_needs_no_key_and_everything_else_does()
    {
        using var anonymous = Client(key: null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        foreach (var path in new[] { "/reviews/next", "/jobs/any/reviews", "/openapi/v1.json" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/reviews/x/label", new { label = "positive", leaseToken = "t" })).StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_no_key_is_ever_logged()
    {
        const string wrong = "wrong-key-0123456789abcdef";
        using var wrongKey = Client(wrong);
        using var wrongBearer = Client(key: null);
        wrongBearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
        using var bearer = Client(key: null);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.BobKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/reviews/next")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongBearer.GetAsync("/reviews/next")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bearer.GetAsync($"/reviews/next?jobId={await SeedAsync()}")).StatusCode);

        Assert.NotEmpty(_factory.Logs);
        Assert.DoesNotContain(_factory.Logs, line => line.Contains(wrong, StringComparison.Ordinal)
            || line.Contains(ApiFactory.AliceKey, StringComparison.Ordinal) || line.Contains(ApiFactory.BobKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_review_endpoints()
    {
        using var client = Client();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject().Select(path => path.Key).ToList();
        Assert.Contains("/reviews/next", paths);
        Assert.Contains("/reviews/{sampleId}/label", paths);
        Assert.Contains("/jobs/{jobId}/reviews", paths);
    }

    [Fact]
    public async Task Bad_requests_get_clear_400_404_and_409_answers()
    {
        var jobId = await SeedAsync(("negative", 0.5));
        using var client = Client();
        var task = (await client.GetFromJsonAsync<JsonObject>($"/reviews/next?jobId={jobId}"))!;
        var sampleId = task["sampleId"]!.GetValue<string>();
        var token = task["leaseToken"]!.GetValue<string>();

        var missing = await client.PostAsJsonAsync($"/reviews/{sampleId}/label", new { });
        var unknownLabel = await client.PostAsJsonAsync($"/reviews/{sampleId}/label", new { label = "neutral", leaseToken = token });
        var unknownSample = await client.PostAsJsonAsync("/reviews/no-such-sample/label", new { label = "positive", leaseToken = token });
        var unknownJob = await client.GetAsync("/reviews/next?jobId=no-such-job");
        var unknownProgress = await client.GetAsync("/jobs/no-such-job/reviews");
        var wrongToken = await client.PostAsJsonAsync($"/reviews/{sampleId}/label", new { label = "positive", leaseToken = "not-the-token" });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var missingErrors = (await missing.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["label", "leaseToken"], missingErrors.Select(error => error.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, unknownLabel.StatusCode);
        Assert.Contains("'neutral' is not a label of job", await unknownLabel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("one of: negative, positive", await unknownLabel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownSample.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownJob.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownProgress.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, wrongToken.StatusCode);
        Assert.Contains("not yours", await wrongToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Full_review_round_trip_priority_order_lease_override_and_complete_history()
    {
        var jobId = await SeedAsync(("negative", 0.3), ("negative", 0.8));
        using var alice = Client(ApiFactory.AliceKey);
        using var bob = Client(ApiFactory.BobKey);

        // Least confident (highest priority) first; a leased task goes to nobody else.
        var alicesTask = (await alice.GetFromJsonAsync<JsonObject>($"/reviews/next?jobId={jobId}"))!;
        var bobsTask = (await bob.GetFromJsonAsync<JsonObject>("/reviews/next?jobId=" + jobId))!;
        var nothingLeft = await alice.GetAsync($"/reviews/next?jobId={jobId}");
        Assert.Equal(0.8, alicesTask["priority"]!.GetValue<double>());
        Assert.Equal(0.3, bobsTask["priority"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.NoContent, nothingLeft.StatusCode);
        Assert.Equal(["negative", "positive"], alicesTask["labels"]!.AsArray().Select(label => label!["name"]!.GetValue<string>()));
        Assert.Equal("current", alicesTask["candidates"]![0]!["method"]!.GetValue<string>());
        var progressWhileLeased = (await alice.GetFromJsonAsync<JsonObject>($"/jobs/{jobId}/reviews"))!;
        Assert.Equal((0, 2, 0, 2), Counts(progressWhileLeased));

        // Alice's label wins over the automated one and is recorded.
        var sampleId = alicesTask["sampleId"]!.GetValue<string>();
        var submitted = await alice.PostAsJsonAsync($"/reviews/{sampleId}/label",
            new { label = "positive", leaseToken = alicesTask["leaseToken"]!.GetValue<string>(), reason = "clearly happy" });
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var answer = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("positive", answer["label"]!.GetValue<string>());
        Assert.Equal("labelled", answer["review"]!["status"]!.GetValue<string>());

        // Bob cannot answer Alice's task with his own lease token, and Alice cannot answer twice.
        var bobOnAlices = await bob.PostAsJsonAsync($"/reviews/{sampleId}/label", new { label = "negative", leaseToken = bobsTask["leaseToken"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.Conflict, bobOnAlices.StatusCode);

        var store = await _factory.StoreAsync();
        var stored = (await store.GetSampleAsync(sampleId, CancellationToken.None))!;
        Assert.Equal((SampleState.Refined, "positive"), (stored.State, stored.Content.Label));
        Assert.Equal((ReviewStatus.Labelled, "alice", "positive"), (stored.Review!.Status, stored.Review.Reviewer, stored.Review.Label));
        Assert.NotNull(stored.Review.CompletedAt);
        Assert.Collection(stored.LabelHistory,
            generated => Assert.Equal(((string?)null, "negative", LabelMethod.Generator), (generated.From, generated.To, generated.Method)),
            human =>
            {
                Assert.Equal(("negative", "positive", LabelMethod.HumanReview, "alice", 1.0, "clearly happy"), (human.From, human.To, human.Method, human.By, human.Confidence, human.Reason));
                Assert.Equal(stored.Review.CompletedAt, human.At);
            });

        var progress = (await bob.GetFromJsonAsync<JsonObject>($"/jobs/{jobId}/reviews"))!;
        Assert.Equal((0, 1, 1, 2), Counts(progress));
    }

    [Theory]
    [InlineData(null, "Api:Keys is empty")]
    [InlineData("short-key", "Api:Keys:0:Key is missing or shorter than 16 characters (value not shown)")]
    [InlineData("carol-key-0123456789abcdef", "Api:Keys:0:Role is required: one of viewer, reviewer, operator, admin")]
    public void Keys_are_validated_at_start_without_echoing_them(string? key, string expected)
    {
        using var factory = new ApiFactory(key is null ? [] : new() { ["Api:Keys:0:Name"] = "carol", ["Api:Keys:0:Key"] = key });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (key is not null)
        {
            Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        }
    }

    private static (long Pending, long Leased, long Labelled, long Total) Counts(JsonObject progress) =>
        (progress["pending"]!.GetValue<long>(), progress["leased"]!.GetValue<long>(), progress["labelled"]!.GetValue<long>(), progress["total"]!.GetValue<long>());
}
