using System.Globalization;
using Synth.Contracts.Messaging;

namespace Synth.Messaging;

/// <summary>
/// Reads infra/kafka/topics.txt: lines "&lt;topic&gt; &lt;partitions&gt; [&lt;key&gt;=&lt;value&gt; …]" (topic configuration such as
/// <c>cleanup.policy=compact</c>), blank lines and lines starting with '#' ignored.
/// The same file feeds the local broker host and the compose init container's shell script, so the format stays
/// trivially shell-readable.
/// </summary>
public static class TopicsFile
{
    /// <summary>Partitions of a dead-letter topic the file does not list itself.</summary>
    public const int DefaultDeadLetterPartitions = 3;

    /// <exception cref="FormatException">A line is malformed; the message names the file and line.</exception>
    public static IReadOnlyList<TopicDefinition> Load(string path) => Parse(File.ReadAllText(path), path);

    /// <exception cref="FormatException">A line is malformed; the message names <paramref name="source"/> and the line.</exception>
    public static IReadOnlyList<TopicDefinition> Parse(string text, string source)
    {
        var topics = new List<TopicDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                throw Malformed(source, i, Expected(line));
            }

            if (!IsValidTopicName(fields[0]))
            {
                throw Malformed(source, i, $"\"{fields[0]}\" is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
            }

            if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partitions) || partitions < 1)
            {
                throw Malformed(source, i, $"partitions must be a positive integer, got \"{fields[1]}\"");
            }

            if (!seen.Add(fields[0]))
            {
                throw Malformed(source, i, $"topic \"{fields[0]}\" is listed twice");
            }

            var config = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var setting in fields.Skip(2))
            {
                var equals = setting.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || equals == setting.Length - 1 || !config.TryAdd(setting[..equals], setting[(equals + 1)..]))
                {
                    throw Malformed(source, i, Expected(line));
                }
            }

            topics.Add(new TopicDefinition(fields[0], partitions) { Config = config });
        }

        return topics;
    }

    /// <summary>The topics plus the "&lt;topic&gt;.dlt" of every topic that is not itself a dead-letter topic, unless already listed.</summary>
    public static IReadOnlyList<TopicDefinition> WithDeadLetterTopics(IReadOnlyList<TopicDefinition> topics)
    {
        var names = topics.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var result = topics.ToList();
        foreach (var topic in topics)
        {
            var deadLetter = Topics.DeadLetter(topic.Name);
            if (!topic.Name.EndsWith(Topics.DeadLetterSuffix, StringComparison.Ordinal) && names.Add(deadLetter))
            {
                result.Add(new TopicDefinition(deadLetter, DefaultDeadLetterPartitions));
            }
        }

        return result;
    }

    private static string Expected(string line) =>
        $"expected \"<topic> <partitions>\" and optionally distinct \"<key>=<value>\" topic settings, got \"{line}\"";

    private static bool IsValidTopicName(string name) =>
        name.Length is > 0 and <= 249
        && name is not ("." or "..")
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static FormatException Malformed(string source, int lineIndex, string problem) =>
        new($"{source}:{lineIndex + 1}: {problem}");
}
