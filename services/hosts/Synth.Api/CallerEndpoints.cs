using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Synth.Api;

/// <summary>Who the caller's key stands for, so a client (the web UI) offers only what the key may do.</summary>
public static class CallerEndpoints
{
    public static IEndpointRouteBuilder MapCallerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new CallerResponse(user.Identity!.Name!, ApiPolicies.RoleOf(user)!.Value)))
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithTags("Caller")
            .WithName("GetCaller")
            .WithSummary("The calling key's name and role (viewer < reviewer < operator < admin).");
        return app;
    }
}
