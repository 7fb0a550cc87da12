using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Synth.Jobs;

/// <summary>
/// The one place spec text becomes a <see cref="JobSpec"/> (YAML, or JSON — which YAML reads too, keeping line
/// numbers): parse, bind strictly, normalise (relative file paths resolved against the spec's folder, a dataset's
/// format filled in from its extension, a strategy's settings filled with defaults), then validate, reporting every
/// problem. The result is what a job stores and every stage reads; nothing parses the text again after submission.
/// </summary>
public static class JobSpecLoader
{
    /// <summary>Loads a spec file; a <c>.json</c> file is read as JSON, anything else as YAML.</summary>
    /// <exception cref="JobSpecException">Unreadable file, malformed text, unknown field or wrong type.</exception>
    /// <exception cref="JobSpecValidationException">The spec breaks one or more rules; all are listed.</exception>
    public static JobSpec LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JobSpecException([new JobSpecError(path, "", null, null, $"cannot read the spec: {e.Message}")]);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)
            ? ParseJson(text, path, folder)
            : Parse(text, path, folder);
    }

    /// <param name="sourceName">Named in every error (usually the file's path).</param>
    /// <param name="baseDirectory">What relative paths are resolved against; the current directory when null.</param>
    /// <param name="requireFiles">False skips the checks that referenced files exist (paths are still resolved).</param>
    /// <param name="policy">
    /// What the spec may name: <see cref="SpecPolicy.Operator"/> when null. From <see cref="SpecSource.Api"/> inline
    /// endpoints and key variables are refused and files must lie under <paramref name="baseDirectory"/>, checked before
    /// any is opened.
    /// </param>
    /// <inheritdoc cref="LoadFile" path="/exception"/>
    public static JobSpec Parse(string yaml, string sourceName, string? baseDirectory = null, bool requireFiles = true, SpecPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        policy ??= SpecPolicy.Operator;
        var root = ReadSingleDocument(yaml, sourceName);
        var bound = SpecBinder.Bind(root, sourceName);
        JobSpecNormaliser.DefaultUnconfiguredToAuto(bound);
        var refused = SpecConnections.Resolve(bound, policy, sourceName);
        var folder = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        var writtenPaths = JobSpecNormaliser.Normalise(bound.Spec, folder, out var resolvedPaths);
        if (policy.Source == SpecSource.Api)
        {
            refused.AddRange(FileConfinement.Check(bound, folder, writtenPaths, resolvedPaths, sourceName));
        }

        if (refused.Count > 0)
        {
            // Before validation, which opens files (schemas, support sets): nothing outside the root is read.
            throw new JobSpecValidationException(refused);
        }

        var errors = JobSpecValidator.Validate(bound, sourceName, writtenPaths, requireFiles);
        if (errors.Count > 0)
        {
            throw new JobSpecValidationException(errors);
        }

        return bound.Spec;
    }

    /// <summary>A spec as a JSON object (as an API receives it), with the same field names and rules as YAML.</summary>
    /// <inheritdoc cref="Parse" path="/param"/>
    /// <inheritdoc cref="LoadFile" path="/exception"/>
    public static JobSpec ParseJson(string json, string sourceName, string? baseDirectory = null, bool requireFiles = true, SpecPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        // JSON is YAML, so one reader serves both; only insist it is an object, as a JSON client would send.
        var start = json.AsSpan().IndexOfAnyExcept(" \t\r\n\uFEFF");
        if (start < 0 || json[start] != '{')
        {
            var (line, column) = LineAndColumn(json, Math.Max(start, 0));
            throw new JobSpecException([new JobSpecError(sourceName, "", line, column, "a JSON spec must be an object: { \"name\": …, \"task\": …, \"generation\": … }")]);
        }

        return Parse(json, sourceName, baseDirectory, requireFiles, policy);
    }

    /// <summary>
    /// Every key variable the spec names (apiKeyEnv) that is not set, placed at its line in the text, so a run can
    /// refuse to start with one line per variable instead of failing once a stage first calls the model.
    /// </summary>
    /// <param name="text">A spec that <see cref="Parse"/> accepts.</param>
    /// <param name="readEnvironment">Reads an environment variable.</param>
    /// <inheritdoc cref="LoadFile" path="/exception"/>
    public static IReadOnlyList<JobSpecError> UnsetKeyVariables(string text, string sourceName, Func<string, string?> readEnvironment)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(readEnvironment);
        var bound = SpecBinder.Bind(ReadSingleDocument(text, sourceName), sourceName);
        var errors = new List<JobSpecError>();
        foreach (var (path, call) in SpecModelCalls.Of(bound.Spec))
        {
            if (call.ApiKeyEnv is { Length: > 0 } variable && string.IsNullOrEmpty(readEnvironment(variable)))
            {
                var field = $"{path}.apiKeyEnv";
                var at = bound.Positions.Find(field);
                errors.Add(new JobSpecError(sourceName, field, at?.Line, at?.Column,
                    $"environment variable '{variable}' is not set"));
            }
        }

        return errors;
    }

    /// <summary>SHA-256 (lowercase hex) of the spec text as written: a rerun with a changed spec is detected.</summary>
    public static string Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static YamlNode ReadSingleDocument(string text, string sourceName)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            throw new JobSpecException([new JobSpecError(sourceName, "", e.Start.Line, e.Start.Column, e.Message)]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way (not with a YamlException) on some unterminated flow collections.
            var at = scanner.CurrentPosition;
            throw new JobSpecException([new JobSpecError(sourceName, "", at.Line, at.Column,
                "malformed YAML: an unterminated '[', '{' or quoted value before this point")]);
        }

        return stream.Documents.Count switch
        {
            0 => throw new JobSpecException([new JobSpecError(sourceName, "", 1, 1, "the spec is empty")]),
            1 => stream.Documents[0].RootNode,
            _ => throw new JobSpecException([new JobSpecError(sourceName, "", stream.Documents[1].RootNode.Start.Line,
                stream.Documents[1].RootNode.Start.Column, "a spec is one YAML document; a second one starts here")]),
        };
    }

    private static (long Line, long Column) LineAndColumn(string text, int index)
    {
        var before = text.AsSpan(0, index);
        var lineStart = before.LastIndexOf('\n') + 1;
        return (before.Count('\n') + 1, index - lineStart + 1);
    }
}
