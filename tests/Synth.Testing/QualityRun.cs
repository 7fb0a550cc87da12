namespace Synth.Testing;

/// <summary>One run of the quality benchmark: a job of <paramref name="Target"/> samples through <c>synth run</c>.</summary>
/// <param name="Name">The run's column in the table.</param>
/// <param name="LlmCuration">Turns on the LLM judge (filter) and LLM relabelling with 3 votes (label refiner).</param>
/// <param name="PositiveShare">Share of positive labels the job asks for (0.5 balanced: uniform label shares; else
/// <c>task.labelShares: weights</c>), and the model writes when a prompt asks for none.</param>
/// <param name="CurationYaml">Extra YAML under <c>curation:</c> (indented two spaces), e.g. a student setting.</param>
/// <param name="SupportSet">Real review sentences (never served) given as the job's support set; 0: none.</param>
/// <param name="OutlierDeviations">The relevance fence's k (<c>curation.filter.relevance.outlierDeviations</c>); null: the default.</param>
public sealed record QualityRun(string Name, int Target, bool LlmCuration, double PositiveShare = 0.5, int SamplesPerRequest = 5, string? CurationYaml = null,
    int SupportSet = 0, double? OutlierDeviations = null);
