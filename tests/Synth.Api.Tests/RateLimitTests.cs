using System.Net;

namespace Synth.Api.Tests;

public sealed class RateLimitTests : IDisposable
{
    private readonly ApiFactory _factory = new(new()
    {
        ["Api:Keys:0:Name"] = "alice",
        ["Api:Keys:0:Key"] = ApiFactory.AliceKey,
        ["Api:Keys:0:Role"] = "viewer",
        ["Api:Keys:1:Name"] = "bob",
        ["Api:Keys:1:Key"] = ApiFactory.BobKey,
        ["Api:Keys:1:Role"] = "viewer",
        ["Api:RequestsPerMinute"] = "3",
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_key_past_its_limit_gets_429_with_retry_after_while_another_key_is_served()
    {
        using var alice = Client(ApiFactory.AliceKey);
        using var bob = Client(ApiFactory.BobKey);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/jobs")).StatusCode);
        }

        var refused = await alice.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/jobs")).StatusCode);
    }

    private HttpClient Client(string key)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
