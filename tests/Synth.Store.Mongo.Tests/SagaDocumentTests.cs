namespace Synth.Store.Mongo.Tests;

/// <summary>The stored saga's BSON shape and the filters of its optimistic update and resume query, checked offline.</summary>
public sealed class SagaDocumentTests
{
    private static readonly Guid Id = Guid.Parse("6f1c2a3b-4d5e-8f60-9a1b-2c3d4e5f6a7b");

    [Fact]
    public void A_saga_round_trips_through_BSON_with_its_id_as_canonical_text()
    {
        var saga = new StoredSaga(Id, "job-1", "Draining", 7, """{"jobId":"job-1","targetCount":20}""");

        var bson = MongoSagas.ToBson(saga);

        Assert.Equal("6f1c2a3b-4d5e-8f60-9a1b-2c3d4e5f6a7b", bson["_id"].AsString);
        Assert.Equal(saga, MongoSagas.FromBson(Bson.Parse(Bson.Json(bson))));
    }

    [Fact]
    public void An_update_matches_only_the_version_it_read_and_the_resume_query_matches_states()
    {
        Assert.Equal("""{ "_id" : "6f1c2a3b-4d5e-8f60-9a1b-2c3d4e5f6a7b", "version" : 3 }""", Bson.Json(Bson.Render(MongoSagas.AtVersion(Id, 3))));
        Assert.Equal("""{ "state" : { "$in" : ["Generating", "Draining"] } }""", Bson.Json(Bson.Render(MongoSagas.InStates(["Generating", "Draining"]))));
        Assert.Equal("ix_sagas_state", MongoSagas.StateIndex.Options.Name);
    }
}
