using Synth.Contracts.Jobs;

namespace Synth.Generation.Demonstrations;

/// <param name="Demos">Chosen demos, most relevant first (for random selection, in draw order).</param>
/// <param name="Tokens">Tokens the chosen demos' prompt texts take together.</param>
/// <param name="Dropped">Ids selected but left out because the token budget could not hold them.</param>
public sealed record SelectedDemos(IReadOnlyList<Demonstration> Demos, int Tokens, IReadOnlyList<string> Dropped)
{
    public IReadOnlyList<string> DemoIds => Demos.Select(d => d.Id).ToList();
}
