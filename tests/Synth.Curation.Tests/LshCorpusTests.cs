using System.Diagnostics;
using Synth.Curation.Dedup;
using Synth.Curation.Text;
using Xunit.Abstractions;

namespace Synth.Curation.Tests;

/// <summary>MinHash-LSH against exact Jaccard on a real corpus: the 3,000 UCI sentences plus near-duplicates of some.</summary>
public sealed class LshCorpusTests(ITestOutputHelper output)
{
    // Word sets (1-shingles) suit sentences of about a dozen words; 20 bands × 5 rows put the S-curve's midpoint
    // near 0.55, so pairs at the 0.7 threshold are candidates with probability 0.975.
    private static readonly DedupOptions Options = new(ShingleSize: 1, Bands: 20, Rows: 5, JaccardThreshold: 0.7, SemanticThreshold: null);
    private const double LowJaccard = 0.3;

    [Fact]
    public void Lsh_candidates_cover_the_pairs_above_the_threshold_and_rarely_those_far_below()
    {
        var corpus = Corpus();
        var fingerprinter = new DedupFingerprinter(Options);
        // Warm up (the normaliser loads its Unicode data on first use) so the figure is the steady rate.
        fingerprinter.Fingerprint(corpus[0].Text);
        var clock = Stopwatch.StartNew();
        var fingerprints = corpus.Select(document => fingerprinter.Fingerprint(document.Text)).ToList();
        var fingerprintSeconds = clock.Elapsed.TotalSeconds;

        var candidates = new HashSet<(int, int)>();
        var buckets = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < fingerprints.Count; i++)
        {
            foreach (var key in fingerprints[i].BandKeys)
            {
                if (!buckets.TryGetValue(key, out var bucket))
                {
                    buckets[key] = bucket = [];
                }

                foreach (var earlier in bucket)
                {
                    candidates.Add((earlier, i));
                }

                bucket.Add(i);
            }
        }

        var sets = fingerprints.Select(fingerprint => fingerprint.Shingles).ToList();
        int truePairs = 0, found = 0, lowPairs = 0, lowCandidates = 0;
        var expectedFound = 0.0;
        for (var i = 0; i < sets.Count; i++)
        {
            for (var j = i + 1; j < sets.Count; j++)
            {
                var jaccard = Shingles.Jaccard(sets[i], sets[j]);
                var candidate = candidates.Contains((i, j));
                if (jaccard >= Options.JaccardThreshold)
                {
                    truePairs++;
                    found += candidate ? 1 : 0;
                    expectedFound += fingerprinter.Banding.CandidateProbability(jaccard);
                }
                else if (jaccard < LowJaccard)
                {
                    lowPairs++;
                    lowCandidates += candidate ? 1 : 0;
                }
            }
        }

        var recall = (double)found / truePairs;
        var lowRate = (double)lowCandidates / lowPairs;
        var lowBound = fingerprinter.Banding.CandidateProbability(LowJaccard);
        var candidatePrecision = (double)found / candidates.Count;
        output.WriteLine($"{corpus.Count} documents, {Options.Bands} bands x {Options.Rows} rows, 1-word shingles, threshold {Options.JaccardThreshold}");
        output.WriteLine($"fingerprints: {corpus.Count / fingerprintSeconds:0} documents/s on one thread");
        output.WriteLine($"pairs with J >= {Options.JaccardThreshold}: {truePairs}; LSH candidates among them: {found} (recall {recall:P2}; S-curve expectation {expectedFound / truePairs:P2})");
        output.WriteLine($"candidate pairs: {candidates.Count}; share with J >= threshold (candidate precision before verification): {candidatePrecision:P2}");
        output.WriteLine($"pairs with J < {LowJaccard}: {lowPairs}; candidates among them: {lowCandidates} (rate {lowRate:P4}; per-pair bound P({LowJaccard}) = {lowBound:P2})");

        Assert.True(truePairs >= 200, $"the corpus should hold enough near-duplicate pairs, has {truePairs}");
        Assert.True(recall >= 0.97, $"LSH recall {recall:P2} is below 97%");
        Assert.True(lowRate <= lowBound, $"candidate rate {lowRate:P4} among pairs with J < {LowJaccard} exceeds the bound {lowBound:P2}");
    }

    [Fact]
    public async Task The_index_flags_edited_sentences_as_duplicates_of_their_source_verified_by_exact_jaccard()
    {
        var corpus = Corpus();
        var index = new InMemoryDedupIndex(Options);
        new DedupFingerprinter(Options).Fingerprint(corpus[0].Text);
        var clock = Stopwatch.StartNew();
        var decisions = new Dictionary<string, DedupDecision>(StringComparer.Ordinal);
        foreach (var document in corpus)
        {
            decisions[document.Id] = await index.CheckAndAddAsync(new DedupEntry(document.Id, document.Text));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var texts = corpus.ToDictionary(document => document.Id, document => document.Text, StringComparer.Ordinal);
        var edits = corpus.Where(document => document.SourceId is not null).ToList();
        var shouldFind = edits.Where(edit => Jaccard(edit.Text, texts[edit.SourceId!]) >= Options.JaccardThreshold).ToList();
        var foundEdits = shouldFind.Count(edit => decisions[edit.Id].IsDuplicate);
        var duplicates = decisions.Where(decision => decision.Value.IsDuplicate).ToList();
        var wrong = duplicates.Where(pair => Jaccard(texts[pair.Key], texts[pair.Value.DuplicateOf!]) < Options.JaccardThreshold).ToList();

        var recall = (double)foundEdits / shouldFind.Count;
        output.WriteLine($"index: {corpus.Count} documents in {seconds:0.00} s ({corpus.Count / seconds:0} documents/s), {index.Count} kept");
        output.WriteLine($"edited sentences with J >= {Options.JaccardThreshold} to their source: {shouldFind.Count} of {edits.Count}; flagged: {foundEdits} ({recall:P2})");
        output.WriteLine($"duplicates flagged overall: {duplicates.Count} ({duplicates.Count(pair => pair.Value.Kind == DuplicateKind.Exact)} exact); below the threshold by exact Jaccard: {wrong.Count}");

        Assert.Empty(wrong);
        Assert.True(recall >= 0.97, $"the index flagged {recall:P2} of the edited sentences, below 97%");
    }

    private static double Jaccard(string first, string second) =>
        Shingles.Jaccard(Shingles.Of(TextNormalizer.Normalize(first), Options.ShingleSize), Shingles.Of(TextNormalizer.Normalize(second), Options.ShingleSize));

    private sealed record Document(string Id, string Text, string? SourceId);

    /// <summary>The real sentences, then 400 edits of real sentences (one to three words replaced, case and punctuation changed).</summary>
    private static List<Document> Corpus()
    {
        var sentences = UciSentences.Load3000();
        var documents = sentences.Select(sentence => new Document(sentence.Id, sentence.Text, null)).ToList();
        var vocabulary = sentences.SelectMany(sentence => TextNormalizer.WordsOf(sentence.Text)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var random = new Random(20240917);
        var eligible = sentences.Where(sentence => TextNormalizer.WordsOf(sentence.Text).Length >= 8).ToList();
        foreach (var source in eligible.OrderBy(_ => random.Next()).Take(400).OrderBy(sentence => sentence.Id, StringComparer.Ordinal))
        {
            var words = TextNormalizer.WordsOf(source.Text);
            var replacements = 1 + random.Next(3);
            for (var r = 0; r < replacements; r++)
            {
                words[random.Next(words.Length)] = vocabulary[random.Next(vocabulary.Length)];
            }

            documents.Add(new Document($"edit-{source.Id}", string.Join(' ', words).ToUpperInvariant() + "!!", source.Id));
        }

        return documents;
    }
}
