using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Synth.Contracts.Jobs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization.NamingConventions;

namespace Synth.Jobs;

/// <summary>A bound spec with where each value was written, for validation errors that point at a line.</summary>
internal sealed record BoundSpec(JobSpec Spec, SpecPositions Positions, IReadOnlyList<string> LiteralKeyPaths);
