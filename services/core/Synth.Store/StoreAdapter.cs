namespace Synth.Store;

/// <summary>A store implementation a host can choose by Store:Provider; each adapter project registers its own.</summary>
public sealed record StoreAdapter(StoreProvider Provider, Func<StoreOptions, SynthStores> Create);
