namespace Synth.Generation.Conditions;

/// <summary>
/// The combinations of condition values: the cartesian product of the axes, numbered in mixed radix (the last axis
/// varies fastest). A combination's target share is the product of its values' shares.
/// </summary>
public sealed class ConditionSpace
{
    private readonly int[] _radix;

    public ConditionSpace(IReadOnlyList<ConditionAxis> axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        // An axis with no values (a grown tree that has no topics yet) cannot constrain anything, so it is left out.
        Axes = axes.Where(a => a.Values.Count > 0).ToList();
        _radix = Axes.Select(a => a.Values.Count).ToArray();
        long count = 1;
        foreach (var r in _radix)
        {
            count *= r;
            if (count > int.MaxValue)
            {
                throw new ArgumentException("too many condition combinations to plan over (more than 2^31)", nameof(axes));
            }
        }
        CombinationCount = (int)count;
    }

    public IReadOnlyList<ConditionAxis> Axes { get; }

    /// <summary>1 when there are no axes: the single empty combination.</summary>
    public int CombinationCount { get; }

    public double TargetShare(int combination)
    {
        var share = 1.0;
        var digits = Decode(combination);
        for (var i = 0; i < Axes.Count; i++)
        {
            share *= Axes[i].Shares[digits[i]];
        }
        return share;
    }

    public IReadOnlyDictionary<string, string> Conditions(int combination)
    {
        var digits = Decode(combination);
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Axes.Count; i++)
        {
            conditions[Axes[i].Name] = Axes[i].Values[digits[i]];
        }
        return conditions;
    }

    internal int[] Decode(int combination)
    {
        var digits = new int[_radix.Length];
        for (var i = _radix.Length - 1; i >= 0; i--)
        {
            digits[i] = combination % _radix[i];
            combination /= _radix[i];
        }
        return digits;
    }

    internal int Encode(IReadOnlyList<int> digits)
    {
        var combination = 0;
        for (var i = 0; i < _radix.Length; i++)
        {
            combination = combination * _radix[i] + digits[i];
        }
        return combination;
    }
}
