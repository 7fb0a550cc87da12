using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Synth.Api;
using Synth.ControlPlane;
using Synth.Curation.Processor;
using Synth.Evaluation.Processor;
using Synth.Generation.Processor;
using Synth.Messaging.Kafka;
using Synth.Pipeline;
using Synth.ServiceDefaults;
using Synth.Store;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;

return await ServiceRunner.RunAsync("synth-api", args, hostArgs =>
{
    // Published, the API serves its web UI from its own folder whatever the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = ApiContentRoot.Published() });
    builder.AddSynthDefaults("synth-api");
    builder.Services.AddSynthStore().AddSqliteStore().AddMongoStore();
    // The store's tables exist before the bus starts handing out work.
    builder.Services.AddHostedService<StoreInitialization>();
    // One machine: this process also runs every stage and the control plane's state machine, on an in-memory bus.
    // Otherwise it only sends commands to the control plane (ControlPlane:* says how to reach it).
    if (builder.Configuration.GetValue<bool>($"{ApiOptions.SectionName}:{nameof(ApiOptions.RunPipeline)}"))
    {
        builder.Services.AddGeneratorStage().AddFilterStage().AddLabelRefinerStage().AddEvaluatorStage();
        builder.AddInProcessPipeline();
    }
    else
    {
        builder.AddSynthControlPlane();
        // The stages run elsewhere: a review's change to a curated sample goes to them over Kafka, when configured.
        if (builder.Configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"] is { Length: > 0 })
        {
            builder.Services.AddKafkaMessaging();
        }
    }

    var services = builder.Services;
    services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
    // The model connections a submitted spec may name; only the API takes specs from others (JobControl reads them).
    services.AddOptions<ModelConnectionsOptions>().BindConfiguration(ModelConnectionsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
    // A key's connection list names only configured connections, so a typo does not silently lock the key out.
    services.AddOptions<ApiOptions>().Validate<IOptions<ModelConnectionsOptions>>(
        (api, connections) => api.Keys.All(key => key.Connections.All(connections.Value.ContainsKey)),
        "Api:Keys:<n>:Connections names a connection that is not configured under Connections:<name>.");
    services.AddAuthentication(ApiKeyAuthentication.SchemeName)
        .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, configureOptions: null);
    // Every endpoint declares the least role it needs; only /health is open (docs/security.md).
    services.AddAuthorizationBuilder().AddApiRolePolicies();
    services.AddRateLimiter(ApiRateLimits.Configure);
    services.AddSingleton(sp => new JobCatalog(sp.GetRequiredService<ISampleStore>()));
    services.AddSingleton<JobViews>();
    services.AddSingleton<AuditTrail>();
    services.AddSingleton<DatasetLibrary>();
    services.AddSingleton<ReviewedSamplePublisher>();
    // After StoreInitialization (hosted services start in order): it reads the store at once.
    services.AddHostedService<CuratedOutboxDrainer>();
    services.AddProblemDetails();
    services.AddOpenApi();
    // The same enum spelling as the stored documents (docs/schemas.md).
    services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower)));

    var app = builder.Build();
    // The web UI's files are public (they hold no data); every call they make sends the key.
    app.UseDefaultFiles();
    app.UseStaticFiles();
    app.UseAuthentication();
    app.UseRateLimiter();
    app.UseAuthorization();
    app.MapGet("/health", () => TypedResults.Ok(new { status = "healthy" })).AllowAnonymous().WithName("Health");
    app.MapOpenApi().RequireAuthorization(ApiPolicies.Viewer);
    app.MapCallerApi();
    app.MapReviewApi();
    app.MapJobApi();
    app.MapSampleApi();
    app.MapReportApi();
    app.MapDatasetApi();
    return app;
});

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
