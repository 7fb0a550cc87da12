using System.ComponentModel.DataAnnotations;

namespace Synth.Store;

/// <summary>Which store to use (section "Store"): SQLite on one machine, MongoDB in a deployment.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string SectionName = "Store";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>SQLite database file; shared safely by several processes on one machine (WAL).</summary>
    public string SqlitePath { get; set; } = ".synth/synth.db";

    /// <summary>MongoDB connection string; may hold credentials, so it is never logged.</summary>
    public string? MongoUri { get; set; }

    public string MongoDatabase { get; set; } = "synth";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StoreProvider.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            yield return new ValidationResult("Store:SqlitePath is required when Store:Provider is Sqlite.", [nameof(SqlitePath)]);
        }

        if (Provider == StoreProvider.Mongo && string.IsNullOrWhiteSpace(MongoUri))
        {
            yield return new ValidationResult("Store:MongoUri is required when Store:Provider is Mongo.", [nameof(MongoUri)]);
        }

        if (Provider == StoreProvider.Mongo && string.IsNullOrWhiteSpace(MongoDatabase))
        {
            yield return new ValidationResult("Store:MongoDatabase is required when Store:Provider is Mongo.", [nameof(MongoDatabase)]);
        }
    }
}
