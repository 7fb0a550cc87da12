using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;
using Synth.Worker;

namespace Synth.ServiceDefaults.Tests;

/// <summary>
/// The options a stage host validates on start. <see cref="IStartupValidator"/> is exactly what Host.StartAsync runs
/// for ValidateOnStart; calling it directly keeps these tests off the network: StartAsync resolves every hosted
/// service first, which builds the Kafka producer (it starts connecting at once) before validation runs.
/// </summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-options-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A configuration every check passes; each test breaks one key.</summary>
    private Dictionary<string, string?> ValidConfiguration() => new()
    {
        ["Kafka:BootstrapServers"] = "127.0.0.1:9",
        ["Store:Provider"] = "Sqlite",
        ["Store:SqlitePath"] = Path.Combine(_folder, "synth.db"),
        ["Generator:JobFile"] = Path.Combine(_folder, "job.yaml"),
        ["Generator:ClaimBlockSize"] = "2",
        ["Generator:ClaimLease"] = "00:00:05",
        ["Telemetry:OtlpProtocol"] = "http/protobuf",
        ["Health:FilePath"] = Path.Combine(_folder, "health.json"),
        ["Health:IntervalSeconds"] = "7",
        ["Synth:InstanceName"] = "gen-test",
    };

    private static IHost BuildStageHost(Dictionary<string, string?> configuration, Stage stage = Stage.Generator)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Synth:Stage"] = stage.Name() });
        builder.AddSynthWorker();
        return builder.Build();
    }

    private static void ValidateOnStart(IHost host) => host.Services.GetRequiredService<IStartupValidator>().Validate();

    private OptionsValidationException StartupFailure(string key, string? value)
    {
        var configuration = ValidConfiguration();
        configuration[key] = value;
        using var host = BuildStageHost(configuration);
        return Assert.Throws<OptionsValidationException>(() => ValidateOnStart(host));
    }

    [Fact]
    public void A_valid_configuration_passes_and_binds()
    {
        using var host = BuildStageHost(ValidConfiguration());

        ValidateOnStart(host);

        var generator = host.Services.GetRequiredService<IOptions<GeneratorOptions>>().Value;
        Assert.Equal(2, generator.ClaimBlockSize);
        Assert.Equal(TimeSpan.FromSeconds(5), generator.ClaimLease);
        Assert.Equal("http/protobuf", host.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.OtlpProtocol);
        Assert.Equal("gen-test", host.Services.GetRequiredService<IOptions<InstanceOptions>>().Value.InstanceName);
        // The health publisher runs on the configured interval.
        Assert.Equal(TimeSpan.FromSeconds(7), host.Services.GetRequiredService<IOptions<HealthCheckPublisherOptions>>().Value.Period);
        var checks = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name);
        Assert.Equal(["store", "worker"], checks.Order());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_job_file_fails_start_up_naming_Generator_JobFile(string? value)
    {
        var error = StartupFailure("Generator:JobFile", value);

        Assert.Equal(typeof(GeneratorOptions), error.OptionsType);
        Assert.Contains("Generator:JobFile", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Generator:ClaimBlockSize", "0", "ClaimBlockSize")]
    [InlineData("Generator:ClaimLease", "00:00:00.500", "ClaimLease")]
    public void A_claim_setting_out_of_range_fails_start_up_naming_it(string key, string value, string member)
    {
        var error = StartupFailure(key, value);

        Assert.Equal(typeof(GeneratorOptions), error.OptionsType);
        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mongo_without_a_uri_fails_start_up_naming_Store_MongoUri()
    {
        var error = StartupFailure("Store:Provider", "Mongo");

        Assert.Equal(typeof(StoreOptions), error.OptionsType);
        Assert.Contains("Store:MongoUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_sqlite_path_fails_start_up_naming_Store_SqlitePath()
    {
        var error = StartupFailure("Store:SqlitePath", "");

        Assert.Contains("Store:SqlitePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_otlp_protocol_fails_start_up_naming_Telemetry_OtlpProtocol()
    {
        var error = StartupFailure("Telemetry:OtlpProtocol", "foo");

        Assert.Equal(typeof(TelemetryOptions), error.OptionsType);
        Assert.Contains("Telemetry:OtlpProtocol", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3601")]
    public void A_health_interval_out_of_range_fails_start_up_naming_IntervalSeconds(string value)
    {
        var error = StartupFailure("Health:IntervalSeconds", value);

        Assert.Equal(typeof(HealthOptions), error.OptionsType);
        Assert.Contains("IntervalSeconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_options_are_only_required_of_the_generator()
    {
        var configuration = ValidConfiguration();
        configuration["Generator:JobFile"] = null;
        using var host = BuildStageHost(configuration, Stage.Filter);

        ValidateOnStart(host);

        var error = StartupFailure("Kafka:BootstrapServers", null);
        Assert.Contains("BootstrapServers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_validated_when_first_read_too()
    {
        var configuration = ValidConfiguration();
        configuration["Telemetry:OtlpProtocol"] = "foo";
        using var host = BuildStageHost(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value);

        Assert.Contains("Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'", error.Message, StringComparison.Ordinal);
    }
}
