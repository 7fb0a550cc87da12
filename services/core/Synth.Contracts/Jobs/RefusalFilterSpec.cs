namespace Synth.Contracts.Jobs;

public sealed class RefusalFilterSpec
{
    public bool Enabled { get; set; } = true;
    /// <summary>Start from the built-in list of refusal phrases ("as an AI language model", …).</summary>
    public bool DefaultPhrases { get; set; } = true;
    /// <summary>More phrases, added to the built-in ones.</summary>
    public List<string> Phrases { get; set; } = [];
    /// <summary>Flag samples that echo the task's role, purpose or data description (a prompt leak).</summary>
    public bool DetectPromptLeak { get; set; } = true;
    public int EchoNgram { get; set; } = 4;
    public double MaxEchoShare { get; set; } = 0.5;
}
