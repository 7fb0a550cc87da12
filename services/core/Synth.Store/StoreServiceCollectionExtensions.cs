using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Synth.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// The store chosen by the "Store" section (validated at start-up) among the adapters the host registered
    /// (<c>AddSqliteStore</c>, <c>AddMongoStore</c>): its <see cref="SynthStores"/> and each store interface from it, and the health check.
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
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Samples);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Budget);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().RequestClaims);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().FailedRequests);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Dedup);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().ConceptTree);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Reviews);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Reports);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Sagas);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Browse);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().Audit);
        services.AddSingleton(sp => sp.GetRequiredService<SynthStores>().CuratedOutbox);
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        return services;
    }
}
