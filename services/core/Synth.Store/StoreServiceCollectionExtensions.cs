using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Synth.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// The store chosen by the "Store" section (validated at start-up) among the adapters the host registered
    /// (<c>AddSqliteStore</c>, <c>AddMongoStore</c>), every store interface it implements, and its health check.
    /// </summary>
    public static IServiceCollection AddSynthStore(this IServiceCollection services)
    {
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var adapter = sp.GetServices<StoreAdapter>().LastOrDefault(a => a.Provider == options.Provider)
                ?? throw new InvalidOperationException($"Store:Provider '{options.Provider}' is not available in this host.");
            return adapter.Create(options);
        });
        services.AddSingleton(sp => (IBudgetStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IFailedRequestStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IDedupStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IConceptTreeStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IReviewStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IReportStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (ISagaStore)sp.GetRequiredService<ISampleStore>());
        services.AddSingleton(sp => (IBrowseStore)sp.GetRequiredService<ISampleStore>());
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        return services;
    }
}
