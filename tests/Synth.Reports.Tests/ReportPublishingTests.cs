using System.Diagnostics;
using System.Text;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Reports.Tests;

public sealed class ReportPublishingTests
{
    [Fact]
    public async Task The_report_is_built_stored_and_published_on_the_reports_topic_keyed_by_job_id()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        var stores = fixture.NewStores();
        var bus = new InProcessBus();
        var reader = bus.Subscribe(Topics.Reports);
        var now = new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);
        var time = new FixedTime(now);

        var report = await JobReports.BuildStoreAndPublishAsync(stores.Samples, stores.Reports, bus, ReportFixture.JobId, fixture.Spec, time, null, CancellationToken.None);

        Assert.True(reader.TryRead(out var message));
        Assert.Equal((Topics.Reports, ReportFixture.JobId), (message.Topic, message.Key));
        var json = Encoding.UTF8.GetString(message.Value);
        var stored = await fixture.NewStores().Reports.GetReportAsync(ReportFixture.JobId, CancellationToken.None);
        // The message carries exactly the report kept in the store.
        Assert.Equal(stored!.Json, json);
        Assert.Equal(report.Curated.Samples, ReportJson.Deserialize(json).Curated.Samples);
        Assert.Equal(EnvelopeHeaders.CloudEventsSpecVersion, message.Header(EnvelopeHeaders.SpecVersion));
        Assert.Equal("synth.report.v1", message.Header(EnvelopeHeaders.Type));
        Assert.Equal($"{ReportFixture.JobId}/report/2026-11-25T20:00:00.0000000+00:00", message.Header(EnvelopeHeaders.Id));
        Assert.Equal("/synth/reports", message.Header(EnvelopeHeaders.Source));
        Assert.Equal(ReportFixture.JobId, message.Header(EnvelopeHeaders.Subject));
        Assert.Equal(ReportFixture.JobId, message.Header(EnvelopeHeaders.JobId));
        Assert.Equal(EnvelopeHeaders.JsonContentType, message.Header(EnvelopeHeaders.ContentType));
        Assert.Equal("1", message.Header(EnvelopeHeaders.SchemaVersion));
        Assert.Equal(now, DateTimeOffset.Parse(message.Header(EnvelopeHeaders.Time)!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public async Task The_publish_carries_the_callers_trace_context()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        var stores = fixture.NewStores();
        var bus = new InProcessBus();
        var reader = bus.Subscribe(Topics.Reports);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MessageTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        await JobReports.BuildStoreAndPublishAsync(stores.Samples, stores.Reports, bus, ReportFixture.JobId, fixture.Spec, TimeProvider.System, null, CancellationToken.None);

        Assert.True(reader.TryRead(out var message));
        Assert.StartsWith("00-", message.Header(EnvelopeHeaders.TraceParent), StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
