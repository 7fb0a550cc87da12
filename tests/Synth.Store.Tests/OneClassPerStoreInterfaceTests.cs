using System.Reflection;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;

namespace Synth.Store.Tests;

/// <summary>Each adapter has one class per store interface, all over its shared database type; none implements two.</summary>
public sealed class OneClassPerStoreInterfaceTests(TempDirectoryFixture directory) : IClassFixture<TempDirectoryFixture>
{
    private static readonly Type[] StoreInterfaces = typeof(ISampleStore).Assembly.GetExportedTypes()
        .Where(t => t.IsInterface && t.Namespace == typeof(ISampleStore).Namespace && t.Name.EndsWith("Store", StringComparison.Ordinal))
        .ToArray();

    public static TheoryData<string> Adapters => [typeof(SqliteStores).Assembly.GetName().Name!, typeof(MongoStores).Assembly.GetName().Name!];

    [Fact]
    public void The_store_interfaces_are_the_twelve_of_SynthStores()
    {
        var properties = typeof(SynthStores).GetProperties().Select(p => p.PropertyType).Where(t => t.IsInterface && t != typeof(IDisposable));
        Assert.Equal(12, StoreInterfaces.Length);
        Assert.Equal(StoreInterfaces.OrderBy(t => t.Name), properties.OrderBy(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Every_store_class_implements_exactly_one_store_interface_and_each_interface_has_one_class(string adapter)
    {
        var classes = Assembly.Load(adapter).GetTypes()
            .Where(t => t.IsClass && t.GetInterfaces().Intersect(StoreInterfaces).Any())
            .ToList();

        Assert.All(classes, c => Assert.True(
            c.GetInterfaces().Intersect(StoreInterfaces).Count() == 1,
            $"{c.Name} implements {string.Join(", ", c.GetInterfaces().Intersect(StoreInterfaces).Select(i => i.Name))}"));
        Assert.All(StoreInterfaces, i => Assert.Single(classes, c => c.IsAssignableTo(i)));
    }

    [Fact]
    public void SqliteStores_open_one_object_per_interface()
    {
        var stores = SqliteStores.Open(Path.Combine(directory.Path, "shape.db"));
        object[] all = [stores.Samples, stores.Budget, stores.RequestClaims, stores.FailedRequests, stores.Dedup, stores.ConceptTree, stores.Reviews, stores.Reports, stores.Sagas, stores.Browse, stores.CuratedOutbox];

        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.IsType<SqliteReviewStore>(stores.Reviews);
    }
}
