using Microsoft.Extensions.DependencyInjection;
using Synth.Store;

namespace Synth.Store.Mongo;

public static class MongoStoreRegistration
{
    /// <summary>Makes MongoDB available as Store:Provider=Mongo (see <see cref="StoreServiceCollectionExtensions.AddSynthStore"/>).</summary>
    public static IServiceCollection AddMongoStore(this IServiceCollection services) =>
        services.AddSingleton(new StoreAdapter(StoreProvider.Mongo,
            options => MongoStores.Open(new MongoStoreOptions { ConnectionString = options.MongoUri!, Database = options.MongoDatabase })));
}
