using System.Globalization;

namespace Synth.Evaluation;

/// <summary>
/// The word tokens diversity is measured on: maximal runs of letters and digits (an apostrophe between letters
/// stays inside the word), lower-cased invariantly. Simple on purpose: vocabulary statistics compare datasets
/// with each other, so the rule only has to be the same everywhere.
/// </summary>
public static class WordTokens
{
    public static List<string> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i])
                || (text[i] == '\'' && start >= 0 && i + 1 < text.Length && char.IsLetter(text[i + 1])));
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                tokens.Add(text[start..i].ToLower(CultureInfo.InvariantCulture));
                start = -1;
            }
        }

        return tokens;
    }
}
