using System.Net;

namespace Synth.Api.Tests;

/// <summary>The published API started from another working directory: healthy, its web UI served, its API answering.</summary>
public sealed class PublishedApiTests(PublishedApi api) : IClassFixture<PublishedApi>
{
    private HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = api.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    [Fact]
    public async Task Is_healthy_with_the_built_in_processors_and_no_appsettings()
    {
        using var client = Client();

        var health = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.True(health.StatusCode == HttpStatusCode.OK, api.Output);
        Assert.False(File.Exists(Path.Combine(api.PublishFolder, "appsettings.json")));
        Assert.False(Directory.Exists(Path.Combine(api.WorkingDirectory, "wwwroot")));
    }

    [Fact]
    public async Task Serves_the_web_UI_from_its_own_folder()
    {
        using var client = Client();

        var index = await client.GetAsync(new Uri("/", UriKind.Relative));
        var script = await client.GetAsync(new Uri("/app.js", UriKind.Relative));

        Assert.True(index.StatusCode == HttpStatusCode.OK, api.Output);
        Assert.Contains("<title>Synth.Streaming</title>", await index.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task Answers_an_API_call_with_a_key_and_refuses_one_without()
    {
        using var withKey = Client(PublishedApi.Key);
        using var withoutKey = Client();

        var jobs = await withKey.GetAsync(new Uri("/jobs", UriKind.Relative));
        var refused = await withoutKey.GetAsync(new Uri("/jobs", UriKind.Relative));

        Assert.True(jobs.StatusCode == HttpStatusCode.OK, api.Output);
        Assert.StartsWith("application/json", jobs.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
