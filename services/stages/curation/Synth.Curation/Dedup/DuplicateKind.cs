using Synth.Curation.Text;

namespace Synth.Curation.Dedup;

public enum DuplicateKind
{
    None = 0,
    Exact = 1,
    Near = 2,
    Semantic = 3,
}
