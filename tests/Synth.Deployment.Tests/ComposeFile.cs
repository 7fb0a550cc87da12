using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Synth.Deployment.Tests;

/// <summary>
/// docker-compose.yml as compose reads it: YAML merge keys and anchors resolved (MergingParser), then "${VAR:-default}"
/// interpolated against a given environment (empty by default: the file as shipped, every variable at its default).
/// </summary>
public sealed class ComposeFile
{
    private readonly IReadOnlyDictionary<string, string> _variables;

    private ComposeFile(Dictionary<object, object?> root, IReadOnlyDictionary<string, string> variables)
    {
        Root = root;
        _variables = variables;
        var services = root.TryGetValue("services", out var s) ? AsMap(s, "services") : [];
        Services = services.ToDictionary(
            e => (string)e.Key,
            e => new ComposeService((string)e.Key, AsMap(e.Value, $"services.{e.Key}"), this),
            StringComparer.Ordinal);
    }

    public Dictionary<object, object?> Root { get; }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    public static ComposeFile Load(string path, IReadOnlyDictionary<string, string>? variables = null) =>
        Parse(File.ReadAllText(path), variables);

    public static ComposeFile Parse(string yaml, IReadOnlyDictionary<string, string>? variables = null)
    {
        var parser = new MergingParser(new Parser(new StringReader(yaml)));
        var root = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object?>>(parser)
            ?? throw new FormatException("docker-compose.yml is empty.");
        return new ComposeFile(root, variables ?? new Dictionary<string, string>());
    }

    public ComposeService Service(string name) =>
        Services.TryGetValue(name, out var service) ? service : throw new Xunit.Sdk.XunitException($"docker-compose.yml has no service '{name}'.");

    /// <summary>Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}.</summary>
    public string Interpolate(string text)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$')
            {
                result.Append(c);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '$')
            {
                result.Append('$');
                i += 2;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = MatchingBrace(text, i + 1);
                result.Append(Expand(text[(i + 2)..end]));
                i = end + 1;
                continue;
            }

            var nameEnd = i + 1;
            while (nameEnd < text.Length && (char.IsAsciiLetterOrDigit(text[nameEnd]) || text[nameEnd] == '_'))
            {
                nameEnd++;
            }

            if (nameEnd == i + 1)
            {
                throw new FormatException($"Invalid interpolation in \"{text}\": a lone '$' must be written '$$'.");
            }

            result.Append(Lookup(text[(i + 1)..nameEnd]) ?? "");
            i = nameEnd;
        }

        return result.ToString();
    }

    /// <summary>The variable names an expression refers to ("${A:-${B}}" → A, B).</summary>
    public static IReadOnlyList<string> VariablesIn(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
            .Where(m => m.Index == 0 || text[m.Index - 1] != '$')
            .Select(m => m.Groups[1].Value)
            .ToList();

    internal static Dictionary<object, object?> AsMap(object? value, string where) => value switch
    {
        Dictionary<object, object?> map => map,
        null => [],
        _ => throw new FormatException($"{where}: expected a mapping, got {value.GetType().Name}."),
    };

    private string? Lookup(string name) => _variables.TryGetValue(name, out var value) ? value : null;

    private string Expand(string expression)
    {
        var nameEnd = 0;
        while (nameEnd < expression.Length && (char.IsAsciiLetterOrDigit(expression[nameEnd]) || expression[nameEnd] == '_'))
        {
            nameEnd++;
        }

        var name = expression[..nameEnd];
        if (name.Length == 0)
        {
            throw new FormatException($"Invalid interpolation \"${{{expression}}}\".");
        }

        var value = Lookup(name);
        var rest = expression[nameEnd..];
        if (rest.Length == 0)
        {
            return value ?? "";
        }

        var unsetOrEmpty = rest.StartsWith(':');
        var op = unsetOrEmpty ? rest[1..2] : rest[..1];
        var argument = Interpolate(rest[(unsetOrEmpty ? 2 : 1)..]);
        var missing = unsetOrEmpty ? string.IsNullOrEmpty(value) : value is null;
        return op switch
        {
            "-" => missing ? argument : value!,
            "?" => missing ? throw new FormatException($"Required variable {name} is missing: {argument}") : value!,
            "+" => missing ? "" : argument,
            _ => throw new FormatException($"Invalid interpolation \"${{{expression}}}\"."),
        };
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"Unclosed \"${{\" in \"{text}\".");
    }
}

/// <summary>One service of the compose file, its fields read the way compose reads them (long and short forms).</summary>
public sealed class ComposeService(string name, Dictionary<object, object?> map, ComposeFile file)
{
    public string Name { get; } = name;

    public Dictionary<object, object?> Map { get; } = map;

    public string? Image => Scalar("image");

    public string? ContainerName => Scalar("container_name");

    public string? Restart => Scalar("restart");

    public string? WorkingDir => Scalar("working_dir");

    public string? Hostname => Scalar("hostname");

    public bool HasProfiles => Map.ContainsKey("profiles");

    public string? BuildContext => Build is { } b ? b.Context : null;

    /// <summary>build: as (context, dockerfile), the dockerfile relative to the context; null when the service has no build.</summary>
    public (string Context, string Dockerfile)? Build
    {
        get
        {
            if (!Map.TryGetValue("build", out var build) || build is null)
            {
                return null;
            }

            if (build is string context)
            {
                return (file.Interpolate(context), "Dockerfile");
            }

            var b = ComposeFile.AsMap(build, $"services.{Name}.build");
            return (Get(b, "context") ?? ".", Get(b, "dockerfile") ?? "Dockerfile");
        }
    }

    /// <summary>
    /// The environment, interpolated. A key without a value (compose: taken from the shell if set, else left out)
    /// maps to null.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment
    {
        get
        {
            var result = new Dictionary<string, string?>(StringComparer.Ordinal);
            switch (Map.GetValueOrDefault("environment"))
            {
                case Dictionary<object, object?> env:
                    foreach (var (key, value) in env)
                    {
                        result[(string)key] = value is null ? null : file.Interpolate(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
                    }

                    break;
                case List<object?> list:
                    foreach (var item in list.Select(o => (string)o!))
                    {
                        var eq = item.IndexOf('=', StringComparison.Ordinal);
                        result[eq < 0 ? item : item[..eq]] = eq < 0 ? null : file.Interpolate(item[(eq + 1)..]);
                    }

                    break;
            }

            return result;
        }
    }

    /// <summary>The environment as written (before interpolation), to see which values come from variables.</summary>
    public IReadOnlyDictionary<string, string?> RawEnvironment =>
        Map.GetValueOrDefault("environment") is Dictionary<object, object?> env
            ? env.ToDictionary(e => (string)e.Key, e => e.Value as string, StringComparer.Ordinal)
            : new Dictionary<string, string?>();

    /// <summary>Short-syntax volumes as (source, target, readOnly); long-syntax entries are converted.</summary>
    public IReadOnlyList<(string Source, string Target, bool ReadOnly)> Volumes =>
        List("volumes").Select(v =>
        {
            if (v is Dictionary<object, object?> longForm)
            {
                return (Get(longForm, "source") ?? "", Get(longForm, "target") ?? "", Get(longForm, "read_only") is "true" or "True");
            }

            var parts = file.Interpolate((string)v!).Split(':');
            return (parts[0], parts.Length > 1 ? parts[1] : parts[0], parts.Length > 2 && parts[2].Split(',').Contains("ro"));
        }).ToList();

    /// <summary>depends_on as service → condition (the list form means service_started).</summary>
    public IReadOnlyDictionary<string, string> DependsOn => Map.GetValueOrDefault("depends_on") switch
    {
        Dictionary<object, object?> map => map.ToDictionary(
            e => (string)e.Key,
            e => Get(ComposeFile.AsMap(e.Value, $"services.{Name}.depends_on"), "condition") ?? "service_started",
            StringComparer.Ordinal),
        List<object?> list => list.ToDictionary(o => (string)o!, _ => "service_started", StringComparer.Ordinal),
        _ => new Dictionary<string, string>(),
    };

    public IReadOnlyList<string> Ports => List("ports").Select(p => file.Interpolate(Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture)!)).ToList();

    public IReadOnlyList<string> ExtraHosts => List("extra_hosts").Select(p => file.Interpolate((string)p!)).ToList();

    /// <summary>command: as a list (a string command is one shell-form entry).</summary>
    public IReadOnlyList<string> Command => CommandLike(Map.GetValueOrDefault("command"));

    /// <summary>healthcheck.test as a list (e.g. ["CMD-SHELL", "…"]); null when the service defines none.</summary>
    public IReadOnlyList<string>? HealthcheckTest =>
        Map.GetValueOrDefault("healthcheck") is Dictionary<object, object?> hc && hc.TryGetValue("test", out var test)
            ? CommandLike(test)
            : null;

    private List<object?> List(string key) => Map.GetValueOrDefault(key) as List<object?> ?? [];

    private string? Scalar(string key) => Get(Map, key);

    private string? Get(Dictionary<object, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is not null
            ? file.Interpolate(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!)
            : null;

    private List<string> CommandLike(object? value) => value switch
    {
        null => [],
        string s => [file.Interpolate(s)],
        List<object?> list => list.Select(o => file.Interpolate((string)o!)).ToList(),
        _ => throw new FormatException($"services.{Name}: unexpected command form."),
    };
}
