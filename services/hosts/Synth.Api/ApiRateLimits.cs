using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Synth.Api;

/// <summary>
/// Per-key request limits (Api:RequestsPerMinute): each key has its own window, so one busy client cannot starve the
/// others; requests without a valid key are limited per client address, which also slows key guessing.
/// </summary>
public static class ApiRateLimits
{
    public static void Configure(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var perMinute = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RequestsPerMinute;
            var partition = context.User.Identity is { IsAuthenticated: true, Name: { } name }
                ? "key:" + name
                : "address:" + context.Connection.RemoteIpAddress;
            return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
        options.OnRejected = (context, _) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return ValueTask.CompletedTask;
        };
    }
}
