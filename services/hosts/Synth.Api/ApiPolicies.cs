using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Synth.Api;

/// <summary>One authorization policy per <see cref="ApiRole"/>: the caller's role is that role or a higher one.</summary>
public static class ApiPolicies
{
    public const string Viewer = nameof(ApiRole.Viewer);
    public const string Reviewer = nameof(ApiRole.Reviewer);
    public const string Operator = nameof(ApiRole.Operator);
    public const string Admin = nameof(ApiRole.Admin);

    /// <summary>The caller's role, from the claim the key's authentication sets; null when not authenticated by a key.</summary>
    public static ApiRole? RoleOf(ClaimsPrincipal user) =>
        Enum.TryParse<ApiRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    public static AuthorizationBuilder AddApiRolePolicies(this AuthorizationBuilder builder)
    {
        foreach (var role in Enum.GetValues<ApiRole>())
        {
            builder.AddPolicy(role.ToString(), policy => policy.RequireAuthenticatedUser().RequireAssertion(c => RoleOf(c.User) >= role));
        }

        // An endpoint that forgot to declare its role is closed to all but admins rather than open to every key.
        return builder.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
            .RequireAssertion(c => RoleOf(c.User) == ApiRole.Admin).Build());
    }
}
