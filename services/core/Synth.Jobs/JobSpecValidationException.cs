using System.Globalization;

namespace Synth.Jobs;

/// <summary>A spec that reads cleanly but breaks rules (ranges, required fields, missing files): all of them, in text order.</summary>
public sealed class JobSpecValidationException(IReadOnlyList<JobSpecError> errors) : JobSpecException(errors);
