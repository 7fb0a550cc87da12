using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Synth.Generation.Parsing;

/// <summary>Malformed JSON that no repair covers, at a character offset.</summary>
public sealed class LenientJsonException(string message, int offset) : Exception($"{message} at offset {offset}")
{
    public int Offset { get; } = offset;
}
