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

/// <summary>
/// Binds a YAML node tree to the job spec model strictly: unknown fields and wrong types are errors with the node's
/// position and field path. A hand-written binder rather than YamlDotNet's deserializer, because the deserializer
/// stops at the first problem and knows neither field paths nor "did you mean" names.
/// </summary>
internal sealed partial class SpecBinder
{
    // A bare string where these objects are expected sets this property: `values: [short, long]`.
    private static readonly Dictionary<Type, string> ScalarShorthand = new()
    {
        [typeof(ConditionValue)] = nameof(ConditionValue.Value),
        [typeof(ConceptNode)] = nameof(ConceptNode.Name),
    };

    private const string StringTag = "tag:yaml.org,2002:str";

    private readonly string sourceName;
    private readonly List<JobSpecError> errors = [];
    private readonly Dictionary<string, Mark> positions = new(StringComparer.Ordinal);
    private readonly List<string> literalKeyPaths = [];
    private readonly NullabilityInfoContext nullability = new();

    private SpecBinder(string sourceName) => this.sourceName = sourceName;

    /// <exception cref="JobSpecException">Unknown fields or values of the wrong type; all of them.</exception>
    public static BoundSpec Bind(YamlNode root, string sourceName)
    {
        var binder = new SpecBinder(sourceName);
        JobSpec? spec = null;
        if (root is not YamlMappingNode)
        {
            binder.Error("", root, "a spec is a mapping of fields (name, task, generation, …), not " + Describe(root));
        }
        else if (binder.TryBind(root, typeof(JobSpec), nullable: false, "", out var value))
        {
            spec = (JobSpec)value!;
        }

        if (binder.errors.Count > 0 || spec is null)
        {
            throw new JobSpecException(binder.errors);
        }

        return new BoundSpec(spec, new SpecPositions(binder.positions), binder.literalKeyPaths);
    }

    private bool TryBind(YamlNode node, Type type, bool nullable, string path, out object? value)
    {
        positions[path] = node.Start;
        value = null;
        var underlying = Nullable.GetUnderlyingType(type);
        if (IsNull(node))
        {
            if (nullable || underlying is not null)
            {
                return true;
            }

            return Error(path, node, $"expected {Expected(type)}, got nothing");
        }

        type = underlying ?? type;
        if (node is YamlScalarNode scalar && (IsScalarType(type) || ScalarShorthand.ContainsKey(type)))
        {
            return TryBindScalar(scalar, type, path, out value);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return TryBindList(node, type, path, out value);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return TryBindDictionary(node, type, path, out value);
        }

        if (type.IsClass && type != typeof(string) && node is YamlMappingNode mapping)
        {
            value = BindObject(mapping, type, path);
            return true;
        }

        return Error(path, node, $"expected {Expected(type)}, got {Describe(node)}");
    }

    private object BindObject(YamlMappingNode mapping, Type type, string path)
    {
        var target = Activator.CreateInstance(type)!;
        var properties = PropertiesOf(type);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(path, keyNode, "a field name must be a plain string");
                continue;
            }

            var fieldPath = Child(path, key);
            if (!properties.TryGetValue(key, out var property))
            {
                positions[fieldPath] = keyNode.Start;
                Error(fieldPath, keyNode, UnknownField(key, properties.Keys));
                continue;
            }

            var nullable = nullability.Create(property).WriteState == NullabilityState.Nullable;
            if (TryBind(valueNode, property.PropertyType, nullable, fieldPath, out var value))
            {
                property.SetValue(target, value);
            }
        }

        return target;
    }

    private bool TryBindList(YamlNode node, Type type, string path, out object? value)
    {
        value = null;
        if (node is not YamlSequenceNode sequence)
        {
            return Error(path, node, $"expected a list, got {Describe(node)}");
        }

        var elementType = type.GetGenericArguments()[0];
        var list = (IList)Activator.CreateInstance(type)!;
        var ok = true;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (TryBind(sequence.Children[i], elementType, nullable: false, $"{path}[{i}]", out var item))
            {
                list.Add(item);
            }
            else
            {
                ok = false;
            }
        }

        value = list;
        return ok;
    }

    private bool TryBindDictionary(YamlNode node, Type type, string path, out object? value)
    {
        value = null;
        if (node is not YamlMappingNode mapping)
        {
            return Error(path, node, $"expected a mapping, got {Describe(node)}");
        }

        var keyType = type.GetGenericArguments()[0];
        var valueType = type.GetGenericArguments()[1];
        var dictionary = (IDictionary)Activator.CreateInstance(type)!;
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } keyText } keyScalar)
            {
                ok = Error(path, keyNode, "a key must be a plain string");
                continue;
            }

            var entryPath = Entry(path, keyText);
            if (!TryBindScalar(keyScalar, keyType, entryPath, out var key))
            {
                ok = false;
                continue;
            }

            if (TryBind(valueNode, valueType, nullable: false, entryPath, out var entry))
            {
                dictionary[key!] = entry;
            }
            else
            {
                ok = false;
            }
        }

        value = dictionary;
        return ok;
    }

    private bool TryBindScalar(YamlScalarNode scalar, Type type, string path, out object? value)
    {
        value = null;
        var text = scalar.Value ?? "";
        // Quoted or !!str-tagged scalars are strings in YAML and JSON alike: "200" is not the number 200.
        var isString = scalar.Style is not ScalarStyle.Plain || IsStringTagged(scalar);

        if (type == typeof(string))
        {
            if (Secrets.LooksLikeLiteralKey(text))
            {
                literalKeyPaths.Add(path);
            }

            value = text;
            return true;
        }

        if (ScalarShorthand.TryGetValue(type, out var propertyName))
        {
            var target = Activator.CreateInstance(type)!;
            type.GetProperty(propertyName)!.SetValue(target, text);
            value = target;
            return true;
        }

        if (type.IsEnum)
        {
            var names = EnumNames(type);
            if (names.TryGetValue(text, out var member))
            {
                value = member;
                return true;
            }

            var suggestion = Suggest(text, names.Keys);
            var hint = suggestion is null ? "" : $" (did you mean '{suggestion}'?)";
            return Error(path, scalar, $"unknown value {Describe(scalar)}{hint}; expected one of: {string.Join(", ", names.Keys)}");
        }

        if (!isString)
        {
            value = ParseNumberOrBool(text, type);
        }

        return value is not null || Error(path, scalar, $"expected {Expected(type)}, got {Describe(scalar)}");
    }

    private static object? ParseNumberOrBool(string text, Type type)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(int))
        {
            return int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var i) ? i : null;
        }

        if (type == typeof(long))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var l) ? l : null;
        }

        if (type == typeof(double))
        {
            return double.TryParse(text, NumberStyles.Float, invariant, out var d) && double.IsFinite(d) ? d : null;
        }

        if (type == typeof(decimal))
        {
            return decimal.TryParse(text, NumberStyles.Float, invariant, out var m) ? m : null;
        }

        if (type == typeof(bool))
        {
            return text switch
            {
                "true" => true,
                "false" => false,
                _ => null,
            };
        }

        throw new NotSupportedException($"The job spec model uses a property type the binder does not know: {type}.");
    }

    private string UnknownField(string key, IEnumerable<string> known)
    {
        var normalized = Normalize(key);
        if (known.Contains("apiKeyEnv") && normalized is "apikey" or "key" or "token" or "secret")
        {
            return $"unknown field '{key}': a spec never holds an API key; put the key in an environment variable and name that variable in 'apiKeyEnv'";
        }

        var suggestion = Suggest(key, known);
        var name = Secrets.LooksLikeLiteralKey(key) ? "(a name that looks like an API key, not shown)" : $"'{key}'";
        return suggestion is null
            ? $"unknown field {name}; known fields here: {string.Join(", ", known)}"
            : $"unknown field {name} (did you mean '{suggestion}'?)";
    }

    /// <summary>The nearest candidate by edit distance, ignoring case, dashes and underscores; null when none is close.</summary>
    internal static string? Suggest(string input, IEnumerable<string> candidates)
    {
        var normalized = Normalize(input);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(normalized, Normalize(candidate));
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        var allowed = Math.Max(1, Math.Min(3, normalized.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    private static string Normalize(string name) => name.Replace("-", "", StringComparison.Ordinal)
        .Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Edit distance counting a swap of two adjacent letters as one edit (nmae → name).</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private bool Error(string path, YamlNode node, string message)
    {
        errors.Add(new JobSpecError(sourceName, path, node.Start.Line, node.Start.Column, message));
        return false;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } scalar
        && !IsStringTagged(scalar)
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static bool IsStringTagged(YamlScalarNode scalar) => scalar.Tag.IsGlobal && scalar.Tag.Value == StringTag;

    private static bool IsScalarType(Type type) =>
        type == typeof(string) || type.IsEnum || type == typeof(int) || type == typeof(long)
        || type == typeof(double) || type == typeof(decimal) || type == typeof(bool);

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long))
        {
            return "an integer";
        }

        if (type == typeof(double) || type == typeof(decimal))
        {
            return "a number";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(string))
        {
            return "a string";
        }

        if (type.IsEnum)
        {
            return "one of: " + string.Join(", ", EnumNames(type).Keys);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return "a list";
        }

        return ScalarShorthand.ContainsKey(type) ? "a string or a mapping" : "a mapping";
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode { Value: { } text } when Secrets.LooksLikeLiteralKey(text) => "a value that looks like an API key (not shown)",
        YamlScalarNode { Value: { Length: > 60 } text } => $"'{text[..40]}…'",
        YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } => $"'{text}'",
        YamlScalarNode { Value: { } text } => $"the string \"{text}\"",
        _ => "an alias",
    };

    private static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>The path of a mapping entry: <c>budget.prices.gpt-4o</c>, or <c>budget.prices["gpt-4.1"]</c> for keys with other characters.</summary>
    internal static string Entry(string path, string key) =>
        SimpleKey().IsMatch(key) ? Child(path, key) : $"{path}[{JsonSerializer.Serialize(key)}]";

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SimpleKey();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> PropertyCache = new();

    /// <summary>Settable public properties by their YAML name: camelCase, or the JSON name the property is given.</summary>
    internal static Dictionary<string, PropertyInfo> PropertiesOf(Type type) => PropertyCache.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(
                p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? CamelCaseNamingConvention.Instance.Apply(p.Name),
                StringComparer.Ordinal));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Dictionary<string, object>> EnumCache = new();

    /// <summary>
    /// An enum's spelling in a spec: kebab-case of the member name, or its <see cref="JsonStringEnumMemberNameAttribute"/>,
    /// the same spelling System.Text.Json uses with the kebab-case enum converter.
    /// </summary>
    internal static Dictionary<string, object> EnumNames(Type type) => EnumCache.GetOrAdd(type, static t =>
        t.GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(
            f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.KebabCaseLower.ConvertName(f.Name),
            f => f.GetValue(null)!,
            StringComparer.Ordinal));

    /// <summary>The spelling of one enum value in a spec.</summary>
    internal static string EnumName<T>(T value) where T : struct, Enum =>
        EnumNames(typeof(T)).First(pair => pair.Value.Equals(value)).Key;
}
