using Synth.Contracts.Jobs;
using Synth.Llm.Models;

namespace Synth.Llm.Tests;

/// <summary><c>provider: auto</c>: the endpoint when it answers, otherwise the local model, decided without loading a model.</summary>
public sealed class ModelConnectionResolverTests : IAsyncLifetime
{
    // Port 9 (discard) on loopback: nothing listens, every connection is refused.
    private const string Unreachable = "http://127.0.0.1:9/v1";

    private readonly string _directory = Directory.CreateTempSubdirectory("synth-auto-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    private ModelCache Cache => new(Path.Combine(_directory, "cache"));

    private ModelConnectionResolver Resolver() => new(Cache, readEnvironment: _ => null);

    private static ModelConnection Auto(string? baseUrl) => new() { Provider = LlmProvider.Auto, BaseUrl = baseUrl, Model = baseUrl is null ? null : "served-model" };

    [Fact]
    public async Task The_endpoint_is_picked_when_it_answers()
    {
        var resolved = await Resolver().ResolveAsync(Auto(_server.BaseUrl.ToString()));

        Assert.Equal(Auto(_server.BaseUrl.ToString()) with { Provider = LlmProvider.OpenAICompatible }, resolved.Connection);
        Assert.Null(resolved.Download);
        Assert.Contains("served-model at the endpoint 127.0.0.1:", resolved.Choice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_model_is_picked_when_the_endpoint_does_not_answer_and_downloaded_first_when_missing()
    {
        var resolved = await Resolver().ResolveAsync(Auto(Unreachable));

        var model = ModelCatalog.BuiltIn.Default;
        Assert.Equal(LlmProvider.LLamaSharp, resolved.Connection.Provider);
        Assert.Equal((model.Name, Cache.PathOf(model), null, null), (resolved.Connection.Model, resolved.Connection.ModelPath, resolved.Connection.BaseUrl, resolved.Connection.ApiKeyEnv));
        Assert.Same(model, resolved.Download);
        Assert.Contains("did not answer", resolved.Choice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_endpoint_a_cached_local_model_needs_no_download()
    {
        Directory.CreateDirectory(Cache.Directory);
        TinyLlamaGguf.Write(Cache.PathOf(ModelCatalog.BuiltIn.Default));

        var resolved = await Resolver().ResolveAsync(Auto(null));

        Assert.Equal(LlmProvider.LLamaSharp, resolved.Connection.Provider);
        Assert.Null(resolved.Download);
        Assert.Contains("no endpoint is configured", resolved.Choice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_providers_are_left_as_they_are()
    {
        var connection = new ModelConnection { BaseUrl = Unreachable, Model = "m" };

        Assert.Same(connection, (await Resolver().ResolveAsync(connection)).Connection);
    }

    [Fact]
    public void The_factory_loads_the_cached_model_when_the_endpoint_is_unreachable_and_says_what_to_do_without_one()
    {
        var missing = Assert.Throws<LlmConfigurationException>(() => new ChatClientFactory(resolver: Resolver()).Create(Auto(Unreachable)));
        Assert.Contains("synth models pull", missing.Message, StringComparison.Ordinal);
        Assert.Contains(Cache.PathOf(ModelCatalog.BuiltIn.Default), missing.Message, StringComparison.Ordinal);
        Assert.Contains("generation.baseUrl", missing.Message, StringComparison.Ordinal);

        Directory.CreateDirectory(Cache.Directory);
        TinyLlamaGguf.Write(Cache.PathOf(ModelCatalog.BuiltIn.Default));
        using var connection = new ChatClientFactory(new LlmAccessOptions { LLamaContextSize = 256, LLamaThreads = 1 }, resolver: Resolver()).Create(Auto(Unreachable));

        Assert.Equal(LlmProvider.LLamaSharp, connection.Provider);
        Assert.Equal(ModelCatalog.BuiltIn.Default.Name, connection.Model);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
