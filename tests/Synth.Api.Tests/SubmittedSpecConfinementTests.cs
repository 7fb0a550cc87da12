using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Synth.Llm;
using Synth.Testing;

namespace Synth.Api.Tests;

/// <summary>
/// The two attacks of issue 13 over HTTP: a submitted spec cannot send the server's credential to an address of
/// its choice, nor make the server read a file outside ControlPlane:JobFilesRoot; and the credential shows up in no
/// log line, stored job, error body or trace attribute.
/// </summary>
public sealed class SubmittedSpecConfinementTests : IAsyncLifetime
{
    private readonly string _secretVariable = "SYNTH_TEST_SECRET_" + Guid.NewGuid().ToString("N");
    private readonly string _secret = "operator-secret-" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<string> _traceValues = new();
    private readonly string _outsideFile = Path.Combine(Path.GetTempPath(), $"synth-outside-{Guid.NewGuid():N}.jsonl");
    private readonly string _fileSecret = "operator-file-secret-" + Guid.NewGuid().ToString("N");
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"synth-key-{Guid.NewGuid():N}");
    private ActivityListener _listener = null!;
    private ScriptedChatServer _attacker = null!;
    private ScriptedChatServer _operatorEndpoint = null!;
    private ApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_secretVariable, _secret);
        File.WriteAllText(_outsideFile, "{\"text\":\"outside the root\",\"label\":\"pos\"}\n");
        // As a mounted secret is: outside the job files root, ending with a newline.
        File.WriteAllText(_keyFile, _fileSecret + "\n");
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                foreach (var (key, value) in activity.TagObjects)
                {
                    _traceValues.Enqueue($"{key}={value}");
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _attacker = await ScriptedChatServer.StartAsync();
        _operatorEndpoint = await ScriptedChatServer.StartAsync();
        _factory = new ApiFactory(settings: new()
        {
            ["Connections:team:BaseUrl"] = _operatorEndpoint.BaseUrl.ToString(),
            ["Connections:team:ApiKeyEnv"] = _secretVariable,
            ["Connections:team:Models:0"] = "m",
            ["Connections:filed:BaseUrl"] = _operatorEndpoint.BaseUrl.ToString(),
            ["Connections:filed:ApiKeyFile"] = _keyFile,
            ["Connections:filed:Models:0"] = "m",
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _attacker.DisposeAsync();
        await _operatorEndpoint.DisposeAsync();
        _listener.Dispose();
        File.Delete(_outsideFile);
        File.Delete(_keyFile);
        Environment.SetEnvironmentVariable(_secretVariable, null);
    }

    private static string Spec(string id, string generation, string extra = "") => $$"""
        id: {{id}}
        name: {{id}}
        task:
          type: text-classification
          dataDescription: Short product reviews.
          labels:
            - { name: neg, description: The reviewer is dissatisfied. }
            - { name: pos, description: The reviewer is satisfied. }
        generation:
        {{generation}}
        {{extra}}
        """;

    private async Task<(HttpStatusCode Status, string Body)> SubmitAsync(string spec)
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.BobKey);
        using var response = await client.PostAsync("/jobs", new StringContent(spec, Encoding.UTF8, "application/yaml"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_spec_naming_the_server_s_key_variable_and_its_own_endpoint_is_refused_and_nothing_is_sent()
    {
        var (status, body) = await SubmitAsync(Spec("exfiltrate",
            $"  baseUrl: {_attacker.BaseUrl}\n  apiKeyEnv: {_secretVariable}\n  model: m"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("generation.baseUrl", body, StringComparison.Ordinal);
        Assert.Contains("generation.apiKeyEnv", body, StringComparison.Ordinal);
        Assert.Contains("\"line\":10", body, StringComparison.Ordinal);
        Assert.Contains("team", body, StringComparison.Ordinal);
        Assert.Empty(_attacker.Requests);
        await AssertSecretNowhereAsync(body);
    }

    [Fact]
    public async Task A_spec_naming_a_connection_runs_on_it_and_only_its_endpoint_gets_the_operator_s_key()
    {
        var (status, body) = await SubmitAsync(Spec("connected", "  connection: team\n  model: m"));
        Assert.True(status == HttpStatusCode.Created, body);

        // What every stage does with the stored spec: build the client from its connection and call it.
        var store = await _factory.StoreAsync();
        var job = (await store.GetJobAsync("connected", CancellationToken.None))!;
        using var connection = new ChatClientFactory().Create(job.Spec!.Generation.Connection);
        await connection.Client.GetResponseAsync("hello");

        var request = Assert.Single(_operatorEndpoint.Requests);
        Assert.Equal($"Bearer {_secret}", request.Headers["Authorization"]);
        Assert.Empty(_attacker.Requests);
        await AssertSecretNowhereAsync(body);
    }

    [Fact]
    public async Task A_connection_s_key_file_is_read_only_to_call_its_endpoint_and_never_shows()
    {
        var (status, body) = await SubmitAsync(Spec("filed", "  connection: filed"));
        Assert.True(status == HttpStatusCode.Created, body);

        var store = await _factory.StoreAsync();
        var job = (await store.GetJobAsync("filed", CancellationToken.None))!;
        Assert.Equal(_keyFile, job.Spec!.Generation.ApiKeyFile);
        using var connection = new ChatClientFactory().Create(job.Spec.Generation.Connection);
        await connection.Client.GetResponseAsync("hello");

        var request = Assert.Single(_operatorEndpoint.Requests);
        Assert.Equal($"Bearer {_fileSecret}", request.Headers["Authorization"]);
        await AssertSecretNowhereAsync(body);
    }

    [Fact]
    public async Task A_spec_naming_a_key_file_of_its_own_is_refused()
    {
        var (status, body) = await SubmitAsync(Spec("own-key-file", $"  connection: team\n  apiKeyFile: {_keyFile}"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("generation.apiKeyFile", body, StringComparison.Ordinal);
        Assert.Contains("filed, team", body, StringComparison.Ordinal);
        Assert.Empty(_operatorEndpoint.Requests);
        await AssertSecretNowhereAsync(body);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("OUTSIDE")]
    [InlineData("../OUTSIDE_NAME")]
    [InlineData("%2e%2e/OUTSIDE_NAME")]
    [InlineData("link.jsonl")]
    public async Task A_support_set_outside_the_root_is_refused_before_it_is_opened(string path)
    {
        File.CreateSymbolicLink(Path.Combine(_factory.Folder, "link.jsonl"), _outsideFile);
        path = path.Replace("OUTSIDE_NAME", Path.GetFileName(_outsideFile), StringComparison.Ordinal)
            .Replace("OUTSIDE", _outsideFile, StringComparison.Ordinal);
        // Held exclusively: a server that opened it anyway would fail to read it and say so instead.
        using var held = new FileStream(_outsideFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var (status, body) = await SubmitAsync(Spec("read-files", "  connection: team",
            $"demonstrations:\n  supportSet: {{ path: \"{path}\" }}"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("demonstrations.supportSet.path", body, StringComparison.Ordinal);
        Assert.Contains("\"line\":12", body, StringComparison.Ordinal);
        Assert.Contains("job files root", body, StringComparison.Ordinal);
        Assert.DoesNotContain("outside the root", body, StringComparison.Ordinal);
    }

    /// <summary>Neither credential (the variable's nor the file's) is in the error, a log line, a trace attribute or a stored job.</summary>
    private async Task AssertSecretNowhereAsync(string problemBody)
    {
        var store = await _factory.StoreAsync();
        foreach (var secret in new[] { _secret, _fileSecret })
        {
            Assert.DoesNotContain(secret, problemBody, StringComparison.Ordinal);
            Assert.DoesNotContain(_factory.Logs, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(_traceValues, value => value.Contains(secret, StringComparison.Ordinal));
            foreach (var id in new[] { "exfiltrate", "connected", "filed", "own-key-file" })
            {
                if (await store.GetJobAsync(id, CancellationToken.None) is { } job)
                {
                    Assert.DoesNotContain(secret, JsonSerializer.Serialize(job), StringComparison.Ordinal);
                }
            }
        }
    }
}
