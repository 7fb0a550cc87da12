namespace Synth.Jobs;

/// <summary>Who wrote a spec, which decides what it may name.</summary>
public enum SpecSource
{
    /// <summary>The person running the machine (<c>synth run</c>): inline endpoints, key variables and any file.</summary>
    Operator,

    /// <summary>A key holder over the API: named connections only, and files under the job files root only.</summary>
    Api,
}
