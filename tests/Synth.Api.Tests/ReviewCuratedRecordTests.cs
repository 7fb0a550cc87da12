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

/// <summary>A review that changes a curated sample publishes what synth.samples.curated must now hold for it.</summary>
public sealed class ReviewCuratedRecordTests : IDisposable
{
    private readonly ApiFactory _factory = new();
    private readonly ConcurrentQueue<OutboundMessage> _published = new();

    public void Dispose() => _factory.Dispose();

    private HttpClient Client()
    {
        var client = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IMessagePublisher>(new RecordingPublisher(_published)))).CreateClient();
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
    }

    private static string Header(OutboundMessage message, string name) =>
        message.Headers.Last(h => h.Name == name).ValueAsString();

    private sealed class RecordingPublisher(ConcurrentQueue<OutboundMessage> published) : IMessagePublisher
    {
        public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            published.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
