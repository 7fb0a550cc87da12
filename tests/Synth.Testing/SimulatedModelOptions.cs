namespace Synth.Testing;

/// <summary>
/// How the simulated model behaves. Item fault rates are shares of served samples (the rest are clean); request fault
/// rates are shares of generation requests; <see cref="AnswerErrorRate"/> is the share of relabel, judge and
/// faithfulness answers that are wrong.
/// </summary>
/// <param name="Labels">Label names by UCI class: [0] negative, [1] positive.</param>
/// <param name="LabelShares">Shares of the labels served when a prompt asks for none, by class; null: uniform.</param>
/// <param name="Latency">Delay before every answer (an endpoint's fixed latency).</param>
/// <param name="MaxConcurrent">Requests worked on at once; more get 429 with <c>Retry-After: 0</c>. Unlimited when null.</param>
public sealed record SimulatedModelOptions(
    IReadOnlyList<string> Labels,
    double WrongLabel = 0.15,
    double ExactDuplicate = 0.05,
    double NearDuplicate = 0.05,
    double Refusal = 0.03,
    double Preamble = 0.03,
    double OffTask = 0.08,
    double TruncatedJson = 0.02,
    double TooManyRequests = 0.03,
    double ServerError = 0.02,
    double AnswerErrorRate = 0.05,
    IReadOnlyList<double>? LabelShares = null,
    int Seed = 12,
    TimeSpan Latency = default,
    int? MaxConcurrent = null);
