using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Messaging.Tests;

public class TopicsFileTests
{
    [Fact]
    public void Parses_topics_skipping_comments_and_blank_lines()
    {
        var topics = TopicsFile.Parse("# comment\n\na.b 12\r\n  c-d\t3  \n#x 1\n", "topics.txt");

        Assert.Equal([new TopicDefinition("a.b", 12), new TopicDefinition("c-d", 3)], topics);
    }

    [Theory]
    [InlineData("a.b", 1, "expected \"<topic> <partitions>\"")]
    [InlineData("ok 1\na.b 1 2", 2, "expected \"<topic> <partitions>\"")]
    [InlineData("a.b zero", 1, "partitions must be a positive integer")]
    [InlineData("a.b 0", 1, "partitions must be a positive integer")]
    [InlineData("a.b -1", 1, "partitions must be a positive integer")]
    [InlineData("a/b 1", 1, "not a valid topic name")]
    [InlineData("# c\na 1\na 2", 3, "listed twice")]
    public void A_malformed_line_names_file_and_line(string text, int line, string problem)
    {
        var error = Assert.Throws<FormatException>(() => TopicsFile.Parse(text, "/x/topics.txt"));

        Assert.StartsWith($"/x/topics.txt:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_topic_settings_after_the_partitions()
    {
        var topic = Assert.Single(TopicsFile.Parse("synth.samples.curated 12 cleanup.policy=compact min.compaction.lag.ms=60000\n", "t"));

        Assert.Equal(new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["min.compaction.lag.ms"] = "60000" }, topic.Config);
        Assert.Equal(new TopicDefinition("synth.samples.curated", 12) { Config = new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["min.compaction.lag.ms"] = "60000" } }, topic);
        Assert.NotEqual(new TopicDefinition("synth.samples.curated", 12), topic);
    }

    [Theory]
    [InlineData("a 1 compact")]
    [InlineData("a 1 =compact")]
    [InlineData("a 1 cleanup.policy=")]
    [InlineData("a 1 x=1 x=2")]
    public void A_malformed_topic_setting_names_the_line(string text)
    {
        var error = Assert.Throws<FormatException>(() => TopicsFile.Parse(text, "t"));

        Assert.StartsWith("t:1: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("<key>=<value>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adds_dead_letter_topics_not_listed_and_keeps_listed_ones()
    {
        var topics = TopicsFile.WithDeadLetterTopics(TopicsFile.Parse("a 12\nb 4\nb.dlt 1\n", "t"));

        Assert.Equal(
            [new TopicDefinition("a", 12), new TopicDefinition("b", 4), new TopicDefinition("b.dlt", 1), new TopicDefinition("a.dlt", 3)],
            topics);
    }

    [Fact]
    public void The_repository_topics_file_lists_every_data_plane_topic_and_its_dead_letter_topic()
    {
        var path = Path.Combine(RepositoryRoot(), "infra", "kafka", "topics.txt");

        var topics = TopicsFile.Load(path).ToDictionary(t => t.Name, t => t.Partitions);

        foreach (var topic in new[] { Topics.Generated, Topics.Accepted, Topics.Rejected, Topics.Refined })
        {
            Assert.Equal(12, topics[topic]);
            Assert.Equal(3, topics[Topics.DeadLetter(topic)]);
        }

        foreach (var topic in new[] { Topics.Feedback, Topics.Reports })
        {
            Assert.Equal(3, topics[topic]);
            Assert.Equal(3, topics[Topics.DeadLetter(topic)]);
        }

        // The training records: compacted, so the latest record (or tombstone) of every sample stays.
        var curated = TopicsFile.Load(path).Single(t => t.Name == Topics.Curated);
        Assert.Equal(12, curated.Partitions);
        Assert.Equal("compact", curated.Config["cleanup.policy"]);
        Assert.Equal(3, topics[Topics.DeadLetter(Topics.Curated)]);

        Assert.Equal(topics.Count, TopicsFile.WithDeadLetterTopics(TopicsFile.Load(path)).Count);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Synth.Streaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }
}
