using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Synth.Evaluation.Processor.Downstream;

/// <summary>A benchmark file or folder that is missing or malformed; the message says what and how to fix it.</summary>
public sealed class BenchmarkDataException(string message) : Exception(message);
