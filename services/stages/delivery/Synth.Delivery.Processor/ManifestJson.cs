using System.Text.Json;

namespace Synth.Delivery.Processor;

/// <summary>The manifest's JSON form: camelCase, indented (people read it too).</summary>
public static class ManifestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
