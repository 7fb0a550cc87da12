namespace Synth.Store.Mongo.Tests;

/// <summary>The stored report's BSON shape and lookup filter, checked offline.</summary>
public sealed class ReportDocumentTests
{
    [Fact]
    public void A_report_round_trips_through_BSON_with_its_exact_time_and_offset()
    {
        var created = new DateTimeOffset(2026, 11, 25, 17, 40, 1, 123, TimeSpan.FromHours(-3));
        var report = new StoredReport("job-1", created, """{ "jobId": "job-1" }""");

        var bson = MongoReports.ToBson(report);
        var back = MongoReports.FromBson(Bson.Parse(Bson.Json(bson)));

        Assert.Equal("job-1", bson["_id"].AsString);
        Assert.Equal(-180, bson["createdAtOffset"].AsInt32);
        Assert.Equal(report, back);
        Assert.Equal(created.Offset, back.CreatedAt.Offset);
    }

    [Fact]
    public void Reports_are_found_by_job_id_as_the_document_id()
    {
        Assert.Equal("""{ "_id" : "job-1" }""", Bson.Json(Bson.Render(MongoReports.ById("job-1"))));
    }
}
