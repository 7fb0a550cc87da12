using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Azure.AI.OpenAI;
using LLama;
using LLama.Abstractions;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using Synth.Contracts.Jobs;
using Synth.Llm.Models;

namespace Synth.Llm;

/// <summary>Builds the <see cref="IChatClient"/> a <see cref="ModelConnection"/> reaches.</summary>
/// <param name="readEnvironment">Reads an environment variable; replaceable so tests need not touch the process environment.</param>
/// <param name="resolver">Decides what a <c>provider: auto</c> connection uses; the per-user model cache and the built-in catalog when null.</param>
/// <param name="nativeLog">Receives llama.cpp's own log (model loading, sampling); dropped when null, since it would otherwise flood stderr.</param>
public sealed class ChatClientFactory(
    LlmAccessOptions? options = null,
    Func<string, string?>? readEnvironment = null,
    ModelConnectionResolver? resolver = null,
    ILogger? nativeLog = null)
{
    // Local OpenAI-compatible servers (Ollama, llama.cpp, LM Studio) ignore the key, but the SDK insists on one.
    private const string NoKeyPlaceholder = "no-key";

    private readonly LlmAccessOptions _options = options ?? new LlmAccessOptions();
    private readonly Func<string, string?> _readEnvironment = readEnvironment ?? Environment.GetEnvironmentVariable;
    private readonly ModelConnectionResolver _resolver = resolver ?? new ModelConnectionResolver(readEnvironment: readEnvironment);

    /// <exception cref="LlmConfigurationException">The connection lacks a field its provider needs, or names an unset variable.</exception>
    public LlmConnection Create(ModelConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Provider switch
        {
            LlmProvider.OpenAICompatible => CreateOpenAICompatible(connection),
            LlmProvider.AzureOpenAI => CreateAzureOpenAI(connection),
            LlmProvider.LLamaSharp => CreateLLamaSharp(connection),
            LlmProvider.Auto => CreateAuto(connection),
            _ => throw new LlmConfigurationException($"Unknown LLM provider '{connection.Provider}'."),
        };
    }

    /// <exception cref="LlmConfigurationException">No endpoint answered and the local model is not in the cache.</exception>
    private LlmConnection CreateAuto(ModelConnection connection)
    {
        // Create is synchronous for its callers; the probe is one short request, made once per job and connection.
        var resolved = _resolver.ResolveAsync(connection).GetAwaiter().GetResult();
        if (resolved.Download is { } missing)
        {
            throw new LlmConfigurationException(
                $"no endpoint answered and the local model {missing.Name} is not in the model cache ({_resolver.Cache.Directory}): "
                + LocalModelHelp.Hint(_resolver.Cache, missing));
        }

        return Create(resolved.Connection);
    }

    private LlmConnection CreateOpenAICompatible(ModelConnection connection)
    {
        var model = Required(connection.Model, "generation.model", connection.Provider);
        var endpoint = Endpoint(connection);
        var key = connection.ApiKeyEnv is null && connection.ApiKeyFile is null ? null : ReadKey(connection);
        var clientOptions = new OpenAIClientOptions { Endpoint = endpoint };
        LeaveRetriesToTheExecutor(clientOptions);
        var client = new OpenAIClient(new ApiKeyCredential(key ?? NoKeyPlaceholder), clientOptions)
            .GetChatClient(model)
            .AsIChatClient();
        return new LlmConnection(client, connection.Provider, model, _options.JsonSchemaOpenAICompatible, key);
    }

    private LlmConnection CreateAzureOpenAI(ModelConnection connection)
    {
        var deployment = Required(connection.Deployment, "generation.deployment", connection.Provider);
        var endpoint = Endpoint(connection);
        var key = ReadKey(connection);
        var clientOptions = new AzureOpenAIClientOptions();
        LeaveRetriesToTheExecutor(clientOptions);
        var client = new AzureOpenAIClient(endpoint, new ApiKeyCredential(key), clientOptions)
            .GetChatClient(deployment)
            .AsIChatClient();
        return new LlmConnection(client, connection.Provider, deployment, _options.JsonSchemaAzureOpenAI, key);
    }

    private LlmConnection CreateLLamaSharp(ModelConnection connection)
    {
        var path = Required(connection.ModelPath, "generation.modelPath", connection.Provider);
        if (!File.Exists(path))
            throw new LlmConfigurationException($"GGUF model file '{path}' (generation.modelPath) does not exist.");

        NativeLogConfig.llama_log_set(nativeLog ?? NullLogger.Instance);
        // Inference is CPU-bound: every core works on it unless the deployment says otherwise.
        var threads = _options.LLamaThreads ?? Environment.ProcessorCount;
        var parameters = new ModelParams(path) { ContextSize = _options.LLamaContextSize, GpuLayerCount = 0, Threads = threads, BatchThreads = threads };
        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            // Stateless: every request gets a fresh context, so unrelated requests never share history.
            var client = new LLamaSharpChatClient(new StatelessExecutor(weights, parameters).AsChatClient(), weights);
            return new LlmConnection(client, connection.Provider, connection.Model ?? Path.GetFileNameWithoutExtension(path), _options.JsonSchemaLLamaSharp, apiKey: null);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    // The SDK would otherwise retry 429/5xx itself (hiding attempts and ignoring our limits) and cut requests
    // at its own 100 s network timeout instead of the connection's.
    private static void LeaveRetriesToTheExecutor(ClientPipelineOptions clientOptions)
    {
        clientOptions.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        clientOptions.NetworkTimeout = Timeout.InfiniteTimeSpan;
    }

    private static Uri Endpoint(ModelConnection connection)
    {
        var baseUrl = Required(connection.BaseUrl, "generation.baseUrl", connection.Provider);
        // The URL is not echoed: a user may have put a credential in it.
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new LlmConfigurationException($"generation.baseUrl of provider {connection.Provider} is not an absolute http(s) URL.");
        return uri;
    }

    /// <summary>The connection's key, from its file or its variable; read only here, for a client of its own endpoint.</summary>
    private string ReadKey(ModelConnection connection)
    {
        if (connection.ApiKeyFile is { } file)
        {
            if (connection.ApiKeyEnv is not null)
                throw new LlmConfigurationException("generation.apiKeyEnv and generation.apiKeyFile are both set; a connection takes its key from one.");
            return ReadKeyFile(file);
        }

        var variable = Required(connection.ApiKeyEnv, "generation.apiKeyEnv (or apiKeyFile)", connection.Provider);
        var key = _readEnvironment(variable);
        if (string.IsNullOrEmpty(key))
            throw new LlmConfigurationException($"Environment variable '{variable}' (generation.apiKeyEnv) is not set.");
        return key;
    }

    private static string ReadKeyFile(string file)
    {
        string key;
        try
        {
            // A secret file usually ends with a newline, which is no part of the key.
            key = File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The exception's message names only the file; the key was not read.
            throw new LlmConfigurationException($"API key file '{file}' (generation.apiKeyFile) cannot be read: {e.Message}");
        }

        if (key.Length == 0)
            throw new LlmConfigurationException($"API key file '{file}' (generation.apiKeyFile) is empty.");
        return key;
    }

    private static string Required(string? value, string field, LlmProvider provider) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new LlmConfigurationException($"{field} is required for provider {provider}.")
            : value;

    /// <summary>
    /// Runs one generation at a time (LLamaSharp's executor reuses one batch buffer, and concurrent CPU inference
    /// on the same cores gains nothing), constrains a request with a JSON schema to it by a grammar built from the
    /// schema (so even a small model returns parseable JSON), and disposes the loaded weights with the client.
    /// </summary>
    private sealed class LLamaSharpChatClient(IChatClient inner, IDisposable weights) : DelegatingChatClient(inner)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await base.GetResponseAsync(messages, WithGrammar(options), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await foreach (var update in base.GetStreamingResponseAsync(messages, WithGrammar(options), cancellationToken).ConfigureAwait(false))
                    yield return update;
            }
            finally
            {
                _gate.Release();
            }
        }

        /// <summary>The options, with the response format's JSON schema as a grammar in the sampling pipeline when there is one.</summary>
        private static ChatOptions? WithGrammar(ChatOptions? options)
        {
            if (options?.ResponseFormat is not ChatResponseFormatJson { Schema: { } schema })
                return options;

            var grammar = new Grammar(JsonSchemaGrammar.ToGbnf(schema), JsonSchemaGrammar.Root);
            var constrained = options.Clone();
            // LLamaSharp's chat client takes its inference parameters (and the pipeline's grammar) from this factory.
            constrained.RawRepresentationFactory = _ => new InferenceParams { SamplingPipeline = new DefaultSamplingPipeline { Grammar = grammar } };
            return constrained;
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                weights.Dispose();
                _gate.Dispose();
            }
        }
    }
}
