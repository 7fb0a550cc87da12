using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

public sealed class JobIdsTests
{
    [Fact]
    public void The_spec_id_wins()
    {
        Assert.Equal("my-job", JobIds.Derive(new JobSpec { Id = "my-job", Name = "Something else" }));
    }

    [Theory]
    [InlineData("Product review sentiment", "product-review-sentiment")]
    [InlineData("  Product Review: Sentiment (v2)!! ", "product-review-sentiment-v2")]
    [InlineData("Crème brûlée recipes", "cr-me-br-l-e-recipes")]
    [InlineData("2024_Q3--tickets", "2024-q3-tickets")]
    public void Without_an_id_the_name_is_slugged(string name, string id)
    {
        Assert.Equal(id, JobIds.Derive(new JobSpec { Name = name }));
    }

    [Fact]
    public void A_long_name_is_cut_to_64_without_a_trailing_dash()
    {
        var name = new string('a', 63) + " b" + new string('c', 20);

        var id = JobIds.Derive(new JobSpec { Name = name });

        Assert.Equal(new string('a', 63), id);
        Assert.Equal(64, JobIds.Derive(new JobSpec { Name = new string('x', 100) }).Length);
    }

    [Fact]
    public void The_same_name_always_gives_the_same_id()
    {
        Assert.Equal(JobIds.Derive(new JobSpec { Name = "Rerun me" }), JobIds.Derive(new JobSpec { Name = "Rerun me" }));
    }

    [Fact]
    public void An_underivable_or_invalid_id_throws()
    {
        Assert.Throws<ArgumentException>(() => JobIds.Derive(new JobSpec { Name = "!!!" }));
        Assert.Throws<ArgumentException>(() => JobIds.Derive(new JobSpec { Id = "Bad_Id", Name = "x" }));
    }

    [Fact]
    public void A_spec_whose_name_gives_no_id_fails_validation()
    {
        const string yaml = "name: '???'\ntask: { type: dialogue, dataDescription: d }\ngeneration: { baseUrl: 'http://h/v1', model: m }\n";

        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        Assert.Equal("name", Assert.Single(e.Errors).FieldPath);
    }
}
