using System.Net;
using System.Text;

namespace Synth.Api.Tests;

/// <summary>A key may be limited to some of the operator's connections (Api:Keys:n:Connections), whatever its role.</summary>
public sealed class KeyConnectionsTests : IDisposable
{
    private readonly ApiFactory _factory = new(Keys(aliceConnection: "test"), new()
    {
        ["Connections:team:BaseUrl"] = "http://127.0.0.1:9/v1",
        ["Connections:team:Models:0"] = "m",
    });

    public void Dispose() => _factory.Dispose();

    /// <summary>Alice (admin) may use only <paramref name="aliceConnection"/>; Bob (operator) every connection.</summary>
    private static Dictionary<string, string?> Keys(string aliceConnection) => new()
    {
        ["Api:Keys:0:Name"] = "alice",
        ["Api:Keys:0:Key"] = ApiFactory.AliceKey,
        ["Api:Keys:0:Role"] = "admin",
        ["Api:Keys:0:Connections:0"] = aliceConnection,
        ["Api:Keys:1:Name"] = "bob",
        ["Api:Keys:1:Key"] = ApiFactory.BobKey,
        ["Api:Keys:1:Role"] = "operator",
    };

    private static string Spec(string id, string connection) => $$"""
        id: {{id}}
        name: {{id}}
        task:
          type: text-classification
          dataDescription: Short product reviews.
          labels:
            - { name: neg, description: The reviewer is dissatisfied. }
            - { name: pos, description: The reviewer is satisfied. }
        generation:
          connection: {{connection}}
        """;

    private async Task<(HttpStatusCode Status, string Body)> SubmitAsync(string key, string spec)
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var response = await client.PostAsync("/jobs", new StringContent(spec, Encoding.UTF8, "application/yaml"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_key_naming_a_connection_it_may_not_use_gets_400_listing_those_it_may()
    {
        var (status, body) = await SubmitAsync(ApiFactory.AliceKey, Spec("alice-team", "team"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("generation.connection", body, StringComparison.Ordinal);
        Assert.Contains("it may name: test", body, StringComparison.Ordinal);
        Assert.DoesNotContain("team,", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_uses_its_own_connections_and_a_key_without_a_list_uses_every_one()
    {
        var alice = await SubmitAsync(ApiFactory.AliceKey, Spec("alice-test", "test"));
        var bob = await SubmitAsync(ApiFactory.BobKey, Spec("bob-team", "team"));

        Assert.True(alice.Status == HttpStatusCode.Created, alice.Body);
        Assert.True(bob.Status == HttpStatusCode.Created, bob.Body);
    }

    [Fact]
    public void A_key_listing_a_connection_that_is_not_configured_stops_the_api()
    {
        using var factory = new ApiFactory(Keys(aliceConnection: "nowhere"));

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Api:Keys:<n>:Connections", error.ToString(), StringComparison.Ordinal);
    }
}
