using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Synth.Llm;

/// <summary>
/// Turns a JSON schema into a GBNF grammar (llama.cpp's), so a local model can only write JSON that fits it. Covers
/// what output schemas use: object (required properties in order, then the optional ones), array (minItems,
/// maxItems), string (enum, const, maxLength), number, integer, boolean, null, a list of types, anyOf/oneOf. A schema
/// part it does not know (a $ref, no type) accepts any JSON value. Whitespace between tokens is at most one space,
/// so a small model cannot wander off into blank output.
/// </summary>
public static class JsonSchemaGrammar
{
    /// <summary>The rule the grammar starts from.</summary>
    public const string Root = "root";

    private const string Shared = """
        ws ::= " "?
        char ::= [^"\\\x00-\x1f] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F])
        string ::= "\"" char* "\""
        integer ::= "-"? ([0-9] | [1-9] [0-9] [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]?)
        number ::= integer ("." [0-9] [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]? [0-9]?)? ([eE] [-+]? [0-9] [0-9]? [0-9]?)?
        boolean ::= "true" | "false"
        null ::= "null"
        value ::= object | array | string | number | boolean | null
        object ::= "{" ws (string ws ":" ws value (ws "," ws string ws ":" ws value)*)? ws "}"
        array ::= "[" ws (value (ws "," ws value)*)? ws "]"
        """;

    public static string ToGbnf(JsonElement schema)
    {
        var rules = new List<string>();
        var root = new Builder(rules).Rule(schema);
        var grammar = new StringBuilder();
        grammar.Append(CultureInfo.InvariantCulture, $"{Root} ::= {root}\n");
        foreach (var rule in rules)
        {
            grammar.Append(rule).Append('\n');
        }

        return grammar.Append(Shared.Replace("\r", "", StringComparison.Ordinal)).Append('\n').ToString();
    }

    private sealed class Builder(List<string> rules)
    {
        /// <summary>An expression for the schema, naming a new rule when the expression is not a single shared one.</summary>
        public string Rule(JsonElement schema)
        {
            var expression = Expression(schema);
            if (!expression.Contains(' ', StringComparison.Ordinal))
            {
                return expression;
            }

            // Nested rules were added while building the expression, so the count names this one uniquely.
            var name = string.Create(CultureInfo.InvariantCulture, $"n{rules.Count + 1}");
            rules.Add($"{name} ::= {expression}");
            return name;
        }

        private string Expression(JsonElement schema)
        {
            if (schema.ValueKind != JsonValueKind.Object)
            {
                return "value";
            }

            if (schema.TryGetProperty("const", out var constant))
            {
                return Literal(constant.GetRawText());
            }

            if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
            {
                return "(" + string.Join(" | ", values.EnumerateArray().Select(v => Literal(v.GetRawText()))) + ")";
            }

            foreach (var alternatives in new[] { "anyOf", "oneOf" })
            {
                if (schema.TryGetProperty(alternatives, out var options) && options.ValueKind == JsonValueKind.Array)
                {
                    return "(" + string.Join(" | ", options.EnumerateArray().Select(Rule)) + ")";
                }
            }

            if (!schema.TryGetProperty("type", out var type))
            {
                return "value";
            }

            if (type.ValueKind == JsonValueKind.Array)
            {
                return "(" + string.Join(" | ", type.EnumerateArray().Select(t => OfType(t.GetString(), schema))) + ")";
            }

            return OfType(type.GetString(), schema);
        }

        private string OfType(string? type, JsonElement schema) => type switch
        {
            "object" => Object(schema),
            "array" => Array(schema),
            "string" when Count(schema, "maxLength") is { } maxLength =>
                $"\"\\\"\" {Repeat("char", Count(schema, "minLength") ?? 0, maxLength)} \"\\\"\"",
            "string" => "string",
            "integer" => "integer",
            "number" => "number",
            "boolean" => "boolean",
            "null" => "null",
            _ => "value",
        };

        private string Object(JsonElement schema)
        {
            if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                return "object";
            }

            var required = schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array
                ? names.EnumerateArray().Select(n => n.GetString()).ToHashSet(StringComparer.Ordinal)
                : [];
            var all = properties.EnumerateObject().ToList();
            // With nothing required, writing every property still fits the schema and keeps the commas simple.
            var mandatory = all.Where(p => required.Count == 0 || required.Contains(p.Name)).ToList();
            var optional = all.Except(mandatory).ToList();
            var parts = mandatory.Select(Member).ToList();
            var body = string.Join(" ws \",\" ws ", parts);
            var rest = string.Concat(optional.Select(p => $" (ws \",\" ws {Member(p)})?"));
            return mandatory.Count == 0 ? "object" : $"\"{{\" ws {body}{rest} ws \"}}\"";
        }

        private string Member(JsonProperty property) =>
            $"{Literal(JsonSerializer.Serialize(property.Name))} ws \":\" ws {Rule(property.Value)}";

        private string Array(JsonElement schema)
        {
            var item = schema.TryGetProperty("items", out var items) ? Rule(items) : "value";
            var min = Count(schema, "minItems") ?? 0;
            var max = Count(schema, "maxItems");
            if (max == 0)
            {
                return "\"[\" ws \"]\"";
            }

            var more = Repeat($"(ws \",\" ws {item})", Math.Max(0, min - 1), max - 1);
            var list = $"{item} {more}";
            return min == 0 ? $"\"[\" ws ({list})? ws \"]\"" : $"\"[\" ws {list} ws \"]\"";
        }

        private static int? Count(JsonElement schema, string keyword) =>
            schema.TryGetProperty(keyword, out var value) && value.TryGetInt32(out var count) && count >= 0 ? count : null;

        private static string Repeat(string element, int min, int? max) =>
            max is { } upper
                ? string.Create(CultureInfo.InvariantCulture, $"{element}{{{min},{Math.Max(min, upper)}}}")
                : string.Create(CultureInfo.InvariantCulture, $"{element}{{{min},}}");

        /// <summary>A GBNF literal matching exactly this JSON text.</summary>
        private static string Literal(string json) =>
            "\"" + json.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
