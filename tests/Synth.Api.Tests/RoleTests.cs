using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Synth.Api.Tests;

/// <summary>Every endpoint × every role: a key below the endpoint's role gets 403, a key at or above it gets through.</summary>
public sealed class RoleTests : IDisposable
{
    private static readonly Dictionary<ApiRole, (string Name, string Key)> Keys = new()
    {
        [ApiRole.Viewer] = ("vera", "vera-key-0123456789abcdef"),
        [ApiRole.Reviewer] = ("rhea", "rhea-key-0123456789abcdef"),
        [ApiRole.Operator] = ("otto", "otto-key-0123456789abcdef"),
        [ApiRole.Admin] = ("ada", "ada-key-0123456789abcdef0"),
    };

    /// <summary>
    /// The least role of every endpoint (null: anonymous). A new endpoint fails the matrix until it is added here,
    /// so adding one is a decision about who may call it.
    /// </summary>
    private static readonly Dictionary<string, ApiRole?> LeastRole = new()
    {
        ["GET /health"] = null,
        ["GET /openapi/{documentName}.json"] = ApiRole.Viewer,
        ["GET /me"] = ApiRole.Viewer,
        ["GET /jobs/"] = ApiRole.Viewer,
        ["GET /jobs/{jobId}"] = ApiRole.Viewer,
        ["GET /jobs/{jobId}/report"] = ApiRole.Viewer,
        ["GET /jobs/{jobId}/report.html"] = ApiRole.Viewer,
        ["GET /jobs/{jobId}/reviews"] = ApiRole.Viewer,
        ["GET /reviews/next"] = ApiRole.Reviewer,
        ["POST /reviews/{sampleId}/label"] = ApiRole.Reviewer,
        ["POST /reviews/{sampleId}/reject"] = ApiRole.Reviewer,
        ["GET /jobs/{jobId}/samples"] = ApiRole.Reviewer,
        ["GET /samples/{sampleId}"] = ApiRole.Reviewer,
        ["POST /jobs/"] = ApiRole.Operator,
        ["POST /jobs/{jobId}/pause"] = ApiRole.Operator,
        ["POST /jobs/{jobId}/resume"] = ApiRole.Operator,
        ["POST /jobs/{jobId}/cancel"] = ApiRole.Operator,
        ["PUT /jobs/{jobId}/target"] = ApiRole.Operator,
        ["GET /jobs/{jobId}/export"] = ApiRole.Operator,
        ["GET /datasets/"] = ApiRole.Viewer,
        ["GET /datasets/{name}"] = ApiRole.Viewer,
        ["POST /datasets/"] = ApiRole.Operator,
    };

    private readonly ApiFactory _factory = new(Keys.SelectMany((entry, i) => new[]
    {
        new KeyValuePair<string, string?>($"Api:Keys:{i}:Name", entry.Value.Name),
        new KeyValuePair<string, string?>($"Api:Keys:{i}:Key", entry.Value.Key),
        new KeyValuePair<string, string?>($"Api:Keys:{i}:Role", entry.Key.ToString().ToLowerInvariant()),
    }).ToDictionary());

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Every_endpoint_refuses_the_roles_below_its_own_and_serves_the_rest()
    {
        var endpoints = Endpoints();
        Assert.Equal(LeastRole.Keys.Order(), endpoints.Select(e => e.Route).Distinct().Order());

        var checkedCalls = 0;
        foreach (var (route, path, method) in endpoints)
        {
            foreach (var (role, (_, key)) in Keys)
            {
                using var client = _factory.CreateClient();
                client.DefaultRequestHeaders.Add("X-Api-Key", key);
                using var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
                };
                var response = await client.SendAsync(request);

                if (LeastRole[route] is { } least && role < least)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{route} as {role}: {response.StatusCode}, expected 403");
                }
                else
                {
                    Assert.True(response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized),
                        $"{route} as {role}: {response.StatusCode}, expected to get through");
                }

                checkedCalls++;
            }
        }

        Assert.Equal(LeastRole.Count * Keys.Count, checkedCalls);
    }

    [Fact]
    public void Every_endpoint_but_health_declares_a_role_policy()
    {
        var policies = Enum.GetNames<ApiRole>().ToHashSet();
        var undeclared = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/health")
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is { } policy && policies.Contains(policy)))
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        Assert.True(undeclared.Count == 0, "Endpoints without a role: " + string.Join(", ", undeclared));
    }

    [Fact]
    public async Task A_key_learns_its_own_name_and_role()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Keys[ApiRole.Reviewer].Key);

        var me = (await client.GetFromJsonAsync<JsonObject>("/me"))!;

        Assert.Equal("rhea", me["name"]!.GetValue<string>());
        Assert.Equal("reviewer", me["role"]!.GetValue<string>());
    }

    private List<(string Route, string Path, string Method)> Endpoints() =>
        _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => ($"{method} {endpoint.RoutePattern.RawText}", PathOf(endpoint.RoutePattern), method)))
            .ToList();

    private static string PathOf(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            _ => "x",
        }))));
}
