using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Pipeline;

namespace Synth.Api.Tests;

/// <summary>
/// A review that changes a curated sample publishes what synth.samples.curated must now hold for it, through the
/// outbox stored with the review: a failed or cut-off publish is sent later by the drainer, a sent one never again.
/// </summary>
public sealed class ReviewCuratedRecordTests : IDisposable
{
    private static readonly TimeSpan DrainInterval = TimeSpan.FromSeconds(1);
    private readonly ApiFactory _factory = new(settings: new() { ["Api:CuratedOutboxIntervalSeconds"] = "1" });
    private readonly ConcurrentQueue<OutboundMessage> _published = new();

    public void Dispose() => _factory.Dispose();

    private HttpClient Client(int failures = 0)
    {
        var client = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IMessagePublisher>(new RecordingPublisher(_published, failures)))).CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AliceKey);
        return client;
    }

    private async Task<SampleDocument> SeedAsync(SampleState state)
    {
        var jobId = "job-" + Guid.NewGuid().ToString("N")[..8];
        var store = await _factory.StoreAsync();
        await store.UpsertJobAsync(ApiFactory.Job(jobId), CancellationToken.None);
        var sample = ApiFactory.Queued(jobId, 1, "negative", 0.7);
        sample.State = state;
        await store.SaveSampleAsync(sample, CancellationToken.None);
        return (await store.GetSampleAsync(sample.Id, CancellationToken.None))!;
    }

    private static async Task<string> LeaseAsync(HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JsonObject>($"/reviews/next?jobId={jobId}"))!["leaseToken"]!.GetValue<string>();

    [Fact]
    public async Task A_relabel_of_a_curated_sample_publishes_its_record_with_a_higher_version_under_the_same_key()
    {
        var stored = await SeedAsync(SampleState.Evaluated);
        using var client = Client();

        var response = await client.PostAsJsonAsync($"/reviews/{stored.Id}/label", new { label = "positive", leaseToken = await LeaseAsync(client, stored.JobId) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(_published);
        Assert.Equal((Topics.Curated, stored.Id), (message.Topic, message.Key));
        var record = CuratedRecord.Parse(message.Value);
        Assert.Equal(("positive", stored.JobId), (record.Label, record.JobId));
        Assert.True(record.Version > stored.Version, $"version {record.Version} after {stored.Version}");
        Assert.Equal(CuratedRecord.EventType, Header(message, EnvelopeHeaders.Type));
    }

    [Fact]
    public async Task A_publish_that_fails_after_the_review_is_stored_is_retried_by_the_drainer()
    {
        var stored = await SeedAsync(SampleState.Evaluated);
        using var client = Client(failures: 1);

        var response = await client.PostAsJsonAsync($"/reviews/{stored.Id}/label", new { label = "positive", leaseToken = await LeaseAsync(client, stored.JobId) });

        // The review is stored and answered; its record waited in the outbox until a publish succeeded.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_factory.Logs, line => line.Contains($"Curated sample {stored.Id}", StringComparison.Ordinal) && line.Contains("retried", StringComparison.Ordinal));
        var message = await Eventually(() => _published.SingleOrDefault());
        var record = CuratedRecord.Parse(message.Value);
        var reviewed = await Eventually(async () => (await (await _factory.StoreAsync()).GetSampleAsync(stored.Id, CancellationToken.None)) is { PendingCuratedPublish: null } s ? s : null);
        Assert.Equal((stored.Id, "positive", reviewed.Version), (record.SampleId, record.Label, record.Version));
    }

    [Fact]
    public async Task A_sent_entry_is_cleared_and_never_published_again()
    {
        var stored = await SeedAsync(SampleState.Evaluated);
        using var client = Client();

        await client.PostAsJsonAsync($"/reviews/{stored.Id}/reject", new { leaseToken = await LeaseAsync(client, stored.JobId) });

        Assert.Single(_published);
        var reviewed = (await (await _factory.StoreAsync()).GetSampleAsync(stored.Id, CancellationToken.None))!;
        Assert.Null(reviewed.PendingCuratedPublish);
        await Task.Delay(3 * DrainInterval);
        Assert.Single(_published);
    }

    [Fact]
    public async Task A_review_stored_by_an_api_that_died_before_publishing_is_published_by_the_next_one()
    {
        var stored = await SeedAsync(SampleState.Evaluated);
        var store = await _factory.StoreAsync();
        stored.Review!.Status = ReviewStatus.Rejected;
        stored.PendingCuratedPublish = "left-by-a-crash";
        Assert.True(await store.TryReplaceSampleAsync(stored, stored.Version, CancellationToken.None));

        using var client = Client();

        var message = await Eventually(() => _published.SingleOrDefault());
        Assert.Equal((stored.Id, 0, CuratedRecords.TombstoneEventType), (message.Key, message.Value.Length, Header(message, EnvelopeHeaders.Type)));
        await Eventually(async () => (await store.GetSampleAsync(stored.Id, CancellationToken.None)) is { PendingCuratedPublish: null } s ? s : null);
    }

    [Fact]
    public async Task A_rejection_of_a_curated_sample_publishes_a_tombstone_and_is_counted()
    {
        var stored = await SeedAsync(SampleState.Evaluated);
        using var client = Client();

        var response = await client.PostAsJsonAsync($"/reviews/{stored.Id}/reject", new { leaseToken = await LeaseAsync(client, stored.JobId), reason = "off topic" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("rejected", (await response.Content.ReadFromJsonAsync<JsonObject>())!["review"]!["status"]!.GetValue<string>());
        var message = Assert.Single(_published);
        Assert.Equal((Topics.Curated, stored.Id, 0), (message.Topic, message.Key, message.Value.Length));
        Assert.Equal(CuratedRecords.TombstoneEventType, Header(message, EnvelopeHeaders.Type));
        Assert.True(long.Parse(Header(message, EnvelopeHeaders.SampleVersion), System.Globalization.CultureInfo.InvariantCulture) > stored.Version);
        var progress = (await client.GetFromJsonAsync<JsonObject>($"/jobs/{stored.JobId}/reviews"))!;
        Assert.Equal((1L, 1L), (progress["rejected"]!.GetValue<long>(), progress["total"]!.GetValue<long>()));

        var again = await client.PostAsJsonAsync($"/reviews/{stored.Id}/reject", new { leaseToken = "any" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var missingToken = await client.PostAsJsonAsync($"/reviews/{stored.Id}/reject", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missingToken.StatusCode);
    }

    [Fact]
    public async Task A_review_of_a_sample_not_curated_yet_publishes_nothing()
    {
        var stored = await SeedAsync(SampleState.Refined);
        using var client = Client();

        var response = await client.PostAsJsonAsync($"/reviews/{stored.Id}/reject", new { leaseToken = await LeaseAsync(client, stored.JobId) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_published);
        Assert.Null((await (await _factory.StoreAsync()).GetSampleAsync(stored.Id, CancellationToken.None))!.PendingCuratedPublish);
    }

    private static Task<T> Eventually<T>(Func<T?> probe) where T : class => Eventually(() => Task.FromResult(probe()));

    /// <summary>What <paramref name="probe"/> finds within a few drain rounds; fails the test otherwise.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTimeOffset.UtcNow + 10 * DrainInterval;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "not seen within ten drain intervals");
            await Task.Delay(DrainInterval / 10);
        }
    }

    private static string Header(OutboundMessage message, string name) =>
        message.Headers.Last(h => h.Name == name).ValueAsString();

    /// <summary>Records what is published; the first <paramref name="failures"/> publishes fail, as a broker that is down would.</summary>
    private sealed class RecordingPublisher(ConcurrentQueue<OutboundMessage> published, int failures) : IMessagePublisher
    {
        private int _failuresLeft = failures;

        public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new InvalidOperationException("broker unavailable (test)");
            }

            published.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
