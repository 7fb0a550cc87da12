using System.ComponentModel.DataAnnotations;
using Synth.Delivery;

namespace Synth.Delivery.Processor;

/// <summary>The dataset sink's settings (section <c>DatasetSink</c>).</summary>
public sealed class DatasetSinkOptions : IValidatableObject
{
    public const string SectionName = "DatasetSink";
    public const string LocalTarget = "local";
    public const string AzureBlobTarget = "azure-blob";

    /// <summary>Where the datasets go: <c>local</c> (<see cref="Folder"/>) or <c>azure-blob</c> (<see cref="AzureBlobConnectionString"/>, <see cref="AzureBlobContainer"/>).</summary>
    [RegularExpression("^(local|azure-blob)$", ErrorMessage = "DatasetSink:Target is local or azure-blob.")]
    public string Target { get; set; } = LocalTarget;

    /// <summary>With the local target: the folder the datasets are written to, one <c>{job}/</c> folder per job.</summary>
    public string Folder { get; set; } = "";

    /// <summary>With the azure-blob target: the storage account's connection string (a secret: set it in the environment).</summary>
    public string AzureBlobConnectionString { get; set; } = "";

    /// <summary>With the azure-blob target: the container (created if missing), one <c>{job}/</c> prefix per job.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "DatasetSink:AzureBlobContainer is 3-63 lowercase letters, digits and single hyphens.")]
    public string AzureBlobContainer { get; set; } = "synth-datasets";

    [Range(1, 10_000_000)]
    public int MaxRowsPerShard { get; set; } = ShardPolicy.Default.MaxRows;

    [Range(1024, long.MaxValue)]
    public long MaxBytesPerShard { get; set; } = ShardPolicy.Default.MaxBytes;

    /// <summary>Seconds the oldest buffered row waits before its shard is sealed anyway.</summary>
    [Range(0.01, 86_400)]
    public double MaxShardAgeSeconds { get; set; } = ShardPolicy.Default.MaxAge.TotalSeconds;

    /// <summary>
    /// Records held at once (the consumer's in-flight limit). A record is held until its shard is sealed, so this must
    /// be above <see cref="MaxRowsPerShard"/> for shards to fill up by rows; below it, shards are sealed by age.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxInFlight { get; set; } = 2 * ShardPolicy.Default.MaxRows;

    public ShardPolicy Policy => new(MaxRowsPerShard, MaxBytesPerShard, TimeSpan.FromSeconds(MaxShardAgeSeconds));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Target == LocalTarget && string.IsNullOrWhiteSpace(Folder))
        {
            yield return new ValidationResult("DatasetSink:Folder is required with the local target.", [nameof(Folder)]);
        }

        if (Target == AzureBlobTarget && string.IsNullOrWhiteSpace(AzureBlobConnectionString))
        {
            yield return new ValidationResult("DatasetSink:AzureBlobConnectionString is required with the azure-blob target.", [nameof(AzureBlobConnectionString)]);
        }
    }
}
