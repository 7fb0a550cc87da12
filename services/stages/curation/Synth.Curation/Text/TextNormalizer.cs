using System.Globalization;
using System.Text;
using ICU4N.Text;

namespace Synth.Curation.Text;

/// <summary>
/// The one normal form every text comparison uses (dedup hashes, shingles, block lists, refusal phrases):
/// Unicode NFKC with full case folding (ICU's NFKC_Casefold, which also drops default-ignorable characters such as
/// zero-width spaces), then every run of punctuation, symbols, separators and control characters collapsed to one
/// space, trimmed. So "Can’t  STOP!" and "ｃａｎ'ｔ stop" both become "can t stop". ICU4N rather than
/// string.Normalize: the services run with invariant globalization, where .NET has no NFKC.
/// </summary>
public static class TextNormalizer
{
    private static readonly Normalizer2 NfkcCasefold = Normalizer2.NFKCCaseFoldInstance;

    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var compatible = NfkcCasefold.Normalize(text);
        var builder = new StringBuilder(compatible.Length);
        var pendingSpace = false;
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in compatible.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                pendingSpace = false;
                builder.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
            else
            {
                pendingSpace = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>The words of an already normalised text.</summary>
    public static string[] Words(string normalized) =>
        normalized.Length == 0 ? [] : normalized.Split(' ');

    /// <summary>Words of a raw text, after <see cref="Normalize"/>.</summary>
    public static string[] WordsOf(string? text) => Words(Normalize(text));

    private static bool IsWordRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        _ => false,
    };
}
