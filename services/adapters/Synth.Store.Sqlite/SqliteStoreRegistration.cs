using Microsoft.Extensions.DependencyInjection;
using Synth.Store;

namespace Synth.Store.Sqlite;

public static class SqliteStoreRegistration
{
    /// <summary>Makes SQLite available as Store:Provider=Sqlite (see <see cref="StoreServiceCollectionExtensions.AddSynthStore"/>).</summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services) =>
        services.AddSingleton(new StoreAdapter(StoreProvider.Sqlite, options => SqliteStores.Open(options.SqlitePath)));
}
