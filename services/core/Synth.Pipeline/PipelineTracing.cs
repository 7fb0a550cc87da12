using System.Diagnostics;

namespace Synth.Pipeline;

public static class PipelineTracing
{
    public const string ActivitySourceName = "Synth.Pipeline";

    public static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>
    /// Starts the root span of a new sample's trace and makes it current. A sample gets a trace of its own (not its
    /// request's), so one trace id follows exactly one sample through every stage; the request span is linked.
    /// Call it at the top of an async method of its own: the change of <see cref="Activity.Current"/> then stays
    /// inside that method and the caller keeps its span.
    /// </summary>
    public static Activity? StartSampleRoot(string sampleId, string jobId, ActivityContext requestContext)
    {
        Activity.Current = null;
        ActivityLink[]? links = requestContext == default ? null : [new ActivityLink(requestContext)];
        var activity = Source.StartActivity("synth.sample generate", ActivityKind.Internal, default(ActivityContext), links: links);
        activity?.SetTag("synth.sample.id", sampleId);
        activity?.SetTag("synth.job.id", jobId);
        return activity;
    }
}
