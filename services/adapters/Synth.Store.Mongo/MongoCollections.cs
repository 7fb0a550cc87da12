namespace Synth.Store.Mongo;

/// <summary>Collection names (docs/schemas.md, "Store").</summary>
public static class MongoCollections
{
    public const string Jobs = "jobs";
    public const string Samples = "samples";
    public const string Requests = "requests";
    public const string Failures = "failures";
    public const string Budgets = "budgets";
    public const string GenerationPlans = "generationPlans";
}
