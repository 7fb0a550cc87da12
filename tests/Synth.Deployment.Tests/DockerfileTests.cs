namespace Synth.Deployment.Tests;

public sealed class DockerfileTests
{
    public static TheoryData<string, bool> Projects() => new()
    {
        { Repo.WorkerFolder, true },
        { "services/hosts/Synth.Cli", false },
        { "services/hosts/Synth.Api", false },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void Dockerfile_restores_the_project_closure_publishes_and_runs_the_project_s_assembly_as_non_root(string projectFolder, bool writesHealthFile)
    {
        var problems = DeploymentChecks.DockerfileProblems(Repo.Root, projectFolder, writesHealthFile).ToList();
        Assert.True(problems.Count == 0, "Problems:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void The_cli_entry_point_is_the_synth_assembly()
    {
        Assert.Equal("synth", Repo.AssemblyName(Repo.Full("services/hosts/Synth.Cli/Synth.Cli.csproj")));
        var dockerfile = Dockerfile.Load(Repo.Full("services/hosts/Synth.Cli/Dockerfile"));
        var entrypoint = dockerfile.InStage(dockerfile.FinalStage).Last(i => i.Keyword == "ENTRYPOINT");
        Assert.Equal(["dotnet", "/app/synth.dll"], Dockerfile.ExecForm(entrypoint.Arguments));
    }

    [Fact]
    public void Dockerignore_keeps_build_output_out_of_the_context_at_every_depth()
    {
        var problems = DeploymentChecks.DockerIgnore(Repo.Root).ToList();
        Assert.True(problems.Count == 0, "Problems:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void The_worker_image_installs_libsasl2_for_librdkafka()
    {
        // The NuGet linux-x64 librdkafka.so links libsasl2.so.3; without it Confluent.Kafka falls back to its centos8 build.
        // The worker is the only image with Kafka in its project closure.
        var dockerfile = Dockerfile.Load(Repo.Full($"{Repo.WorkerFolder}/Dockerfile"));
        Assert.Contains(dockerfile.InStage(dockerfile.FinalStage), i => i.Keyword == "RUN" && i.Arguments.Contains("libsasl2-2", StringComparison.Ordinal));
        Assert.Contains("services/adapters/Synth.Messaging.Kafka/Synth.Messaging.Kafka.csproj", Repo.ProjectClosure($"{Repo.WorkerFolder}/Synth.Worker.csproj"));
    }
}
