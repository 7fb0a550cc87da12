using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Synth.Store;

namespace Synth.Api.Tests;

/// <summary>Datasets uploaded over the API: stored by content hash under the job files root, listed, and named by a spec.</summary>
public sealed class DatasetTests : IAsyncLifetime
{
    private const string Reviews = """
        {"id": "d1", "review": "Uploaded demo: the kettle boils in a minute.", "sentiment": "pos"}
        {"id": "d2", "review": "Uploaded demo: the lamp flickers and then dies.", "sentiment": "neg"}
        {"id": "d3", "review": "Uploaded demo: the chair is sturdy and comfortable.", "sentiment": "pos"}
        """;

    private ScriptedChatServer _llm = null!;
    private ApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _llm = await ScriptedChatServer.StartAsync();
        _llm.Default = ScriptedReply.Answer("""{"samples":[{"text":"A fine toaster that browns evenly.","label":"pos"}]}""");
        _factory = new ApiFactory(settings: new()
        {
            ["Api:RunPipeline"] = "true",
            ["Api:MaxDatasetBytes"] = "1000",
            ["Connections:scripted:BaseUrl"] = _llm.BaseUrl.ToString(),
            ["Connections:scripted:Models:0"] = "m",
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _llm.DisposeAsync();
    }

    private HttpClient Client(string key = ApiFactory.BobKey)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private async Task<HttpResponseMessage> UploadAsync(string query, string content)
    {
        using var client = Client();
        return await client.PostAsync($"/datasets?{query}", new StringContent(content, Encoding.UTF8, "application/x-ndjson"));
    }

    [Fact]
    public async Task An_uploaded_dataset_is_listed_and_a_job_naming_it_reads_it()
    {
        using var uploaded = await UploadAsync("name=reviews", Reviews);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var version = (await uploaded.Content.ReadFromJsonAsync<JsonObject>())!;
        var sha256 = version["sha256"]!.GetValue<string>();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Reviews))), sha256);
        Assert.Equal($"datasets/reviews/{sha256}.jsonl", version["path"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_factory.Folder, "datasets", "reviews", $"{sha256}.jsonl")));

        using var client = Client(ApiFactory.AliceKey);
        var listed = Assert.Single((await client.GetFromJsonAsync<JsonArray>("/datasets"))!)!;
        Assert.Equal(("reviews", sha256, (long)Encoding.UTF8.GetByteCount(Reviews), "bob"),
            (listed["name"]!.GetValue<string>(), listed["sha256"]!.GetValue<string>(), listed["bytes"]!.GetValue<long>(), listed["uploadedBy"]!.GetValue<string>()));
        Assert.NotNull(listed["uploadedAt"]);
        var audit = await _factory.Services.GetRequiredService<IAuditStore>().ForJobAsync("", CancellationToken.None);
        Assert.Contains(audit, r => r.Action == Contracts.Audit.AuditAction.UploadDataset && r.Actor == "bob" && r.Detail!.Contains(sha256, StringComparison.Ordinal));

        var spec = $$"""
            id: uses-upload
            name: uses-upload
            task:
              type: text-classification
              dataDescription: Short product reviews.
              labels:
                - { name: neg, description: The reviewer is dissatisfied. }
                - { name: pos, description: The reviewer is satisfied. }
            generation:
              connection: scripted
              samplesPerRequest: 1
              target: 1
            demonstrations:
              supportSet:
                path: {{version["path"]}}
                fields: { id: id, text: review, label: sentiment }
              k: 3
            """;
        using var submitted = await Client().PostAsync("/jobs", new StringContent(spec, Encoding.UTF8, "application/yaml"));
        Assert.True(submitted.StatusCode == HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());

        // The generator's prompt carries the uploaded demonstrations.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_llm.Requests.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var request = Assert.Single(_llm.Requests.Take(1));
        Assert.Contains("Uploaded demo: the kettle boils in a minute.", request.Body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_content_under_the_same_name_is_a_new_version_and_the_latest_is_listed()
    {
        using var first = await UploadAsync("name=reviews", Reviews);
        using var second = await UploadAsync("name=reviews", Reviews.Replace("kettle", "teapot", StringComparison.Ordinal));
        var firstHash = (await first.Content.ReadFromJsonAsync<JsonObject>())!["sha256"]!.GetValue<string>();
        var secondHash = (await second.Content.ReadFromJsonAsync<JsonObject>())!["sha256"]!.GetValue<string>();
        Assert.NotEqual(firstHash, secondHash);

        using var client = Client();
        var listed = Assert.Single((await client.GetFromJsonAsync<JsonArray>("/datasets"))!)!;
        Assert.Equal(secondHash, listed["sha256"]!.GetValue<string>());
        var versions = (await client.GetFromJsonAsync<JsonArray>("/datasets/reviews"))!;
        Assert.Equal([secondHash, firstHash], versions.Select(v => v!["sha256"]!.GetValue<string>()));
        // The first content stays where a job submitted with it reads it.
        Assert.True(File.Exists(Path.Combine(_factory.Folder, "datasets", "reviews", $"{firstHash}.jsonl")));
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_leaves_nothing_behind()
    {
        using var response = await UploadAsync("name=big", new string('x', 1001));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_factory.Folder, "datasets"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("%2e%2e%2fescape")]
    [InlineData("Upper")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public async Task A_bad_name_is_400_and_nothing_is_written(string name)
    {
        using var response = await UploadAsync("name=" + Uri.EscapeDataString(name), Reviews);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(_factory.Folder, "datasets")));
    }

    [Fact]
    public async Task A_viewer_may_list_but_not_upload()
    {
        using var factory = new ApiFactory(new()
        {
            ["Api:Keys:0:Name"] = "vera",
            ["Api:Keys:0:Key"] = "vera-key-0123456789abcdef",
            ["Api:Keys:0:Role"] = "viewer",
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "vera-key-0123456789abcdef");

        using var upload = await client.PostAsync("/datasets?name=reviews", new StringContent(Reviews));
        using var list = await client.GetAsync("/datasets");

        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }
}
