using MassTransit;

namespace Synth.ControlPlane.Stages;

/// <summary>The state machine's commands to generation; every generator instance has its own queue, so each gets them.</summary>
public sealed class GenerationCommandConsumer(GenerationRunner runner) : IConsumer<StartGeneration>, IConsumer<StopGeneration>
{
    public Task Consume(ConsumeContext<StartGeneration> context) =>
        runner.StartAsync(context.Message.JobId, context.Message.TargetCount, context.CancellationToken);

    public Task Consume(ConsumeContext<StopGeneration> context) => runner.StopAsync(context.Message.JobId);
}
