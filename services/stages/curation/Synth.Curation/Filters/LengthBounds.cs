using System.Globalization;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>Inclusive bounds on the sample text's length; a null bound is not checked.</summary>
public sealed record LengthBounds(int? MinChars = null, int? MaxChars = null, int? MinWords = null, int? MaxWords = null);
