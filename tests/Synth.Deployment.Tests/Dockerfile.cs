using System.Text.Json;
using System.Text.RegularExpressions;

namespace Synth.Deployment.Tests;

/// <summary>One instruction of a Dockerfile, continuation lines joined and comments dropped.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments, int Line, int Stage);

/// <summary>A Dockerfile read into instructions, enough to check what a build copies, sets and runs.</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<DockerInstruction> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public int StageCount => Instructions.Count(i => i.Keyword == "FROM");

    public int FinalStage => StageCount - 1;

    public static Dockerfile Load(string path) => Parse(File.ReadAllText(path), path);

    public static Dockerfile Parse(string text, string path)
    {
        var instructions = new List<DockerInstruction>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var stage = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i + 1;
            var joined = new List<string>();
            while (true)
            {
                var current = lines[i].TrimEnd();
                var continued = current.EndsWith('\\');
                joined.Add(continued ? current[..^1].Trim() : current.Trim());
                if (!continued || i + 1 >= lines.Length)
                {
                    break;
                }

                // Comment lines inside a continued instruction are dropped, as Docker does.
                do
                {
                    i++;
                }
                while (i < lines.Length && lines[i].TrimStart().StartsWith('#'));
            }

            var full = string.Join(' ', joined.Where(s => s.Length > 0));
            var space = full.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? full : full[..space]).ToUpperInvariant();
            if (keyword == "FROM")
            {
                stage++;
            }

            instructions.Add(new DockerInstruction(keyword, space < 0 ? "" : full[(space + 1)..].Trim(), start, stage));
        }

        return new Dockerfile(path, instructions);
    }

    public IEnumerable<DockerInstruction> InStage(int stage) => Instructions.Where(i => i.Stage == stage);

    /// <summary>FROM image and its stage name per stage.</summary>
    public IReadOnlyList<(string Image, string? Name)> Stages =>
        Instructions.Where(i => i.Keyword == "FROM").Select(i =>
        {
            var parts = i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
            return (parts[0], parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null);
        }).ToList();

    /// <summary>ENV values of a stage ("ENV a=b c=d" and "ENV a b").</summary>
    public IReadOnlyDictionary<string, string> Env(int stage)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in InStage(stage).Where(i => i.Keyword == "ENV"))
        {
            if (!env.Arguments.Contains('=', StringComparison.Ordinal))
            {
                var space = env.Arguments.IndexOf(' ', StringComparison.Ordinal);
                result[env.Arguments[..space]] = env.Arguments[(space + 1)..].Trim();
                continue;
            }

            foreach (Match m in EnvPair().Matches(env.Arguments))
            {
                result[m.Groups["key"].Value] = m.Groups["value"].Value.Trim('"');
            }
        }

        return result;
    }

    /// <summary>COPY instructions of a stage as (flags, sources, destination).</summary>
    public IReadOnlyList<(IReadOnlyList<string> Flags, IReadOnlyList<string> Sources, string Destination, int Line)> Copies(int stage) =>
        InStage(stage).Where(i => i.Keyword is "COPY" or "ADD").Select(i =>
        {
            var words = i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var flags = words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal)).ToList();
            var rest = words.Skip(flags.Count).ToList();
            return ((IReadOnlyList<string>)flags, (IReadOnlyList<string>)rest[..^1], rest[^1], i.Line);
        }).ToList();

    /// <summary>An exec-form (JSON array) instruction's arguments, e.g. ENTRYPOINT ["dotnet", "x.dll"].</summary>
    public static IReadOnlyList<string>? ExecForm(string arguments)
    {
        if (!arguments.TrimStart().StartsWith('['))
        {
            return null;
        }

        return JsonSerializer.Deserialize<string[]>(arguments);
    }

    /// <summary>HEALTHCHECK's command (after its --options and CMD); null when there is none.</summary>
    public string? HealthcheckCommand(int stage)
    {
        var hc = InStage(stage).LastOrDefault(i => i.Keyword == "HEALTHCHECK");
        if (hc is null)
        {
            return null;
        }

        var m = HealthcheckCmd().Match(hc.Arguments);
        return m.Success ? m.Groups["cmd"].Value.Trim() : null;
    }

    [GeneratedRegex("""(?<key>[A-Za-z_][A-Za-z0-9_.]*)=(?<value>"[^"]*"|\S*)""")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"^(?:--\S+\s+)*CMD\s+(?<cmd>.*)$", RegexOptions.Singleline)]
    private static partial Regex HealthcheckCmd();
}
