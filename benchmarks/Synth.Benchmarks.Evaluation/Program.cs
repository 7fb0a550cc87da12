using System.Diagnostics;
using System.Globalization;
using Synth.Evaluation;

// Usage: dotnet benchmarks/Synth.Benchmarks.Evaluation/bin/Release/net10.0/Synth.Benchmarks.Evaluation.dll [largest=1000000]
// Feeds short synthetic reviews (Zipf-distributed words from a 50,000-word vocabulary, 5–25 words, 2 labels,
// 3 condition dimensions) through the incremental metrics, at sizes growing tenfold. Linear growth means the time
// per sample stays flat; the ratio column is time per sample against the smallest size, measured in the same run.
var largest = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var sizes = new List<int>();
for (var size = 10_000; size <= largest; size *= 10)
{
    sizes.Add(size);
}

Console.WriteLine("| samples | seconds | µs per sample | per-sample ratio vs first | vocabulary | distinct-3 |");
Console.WriteLine("|---|---|---|---|---|---|");
double? firstPerSample = null;
foreach (var size in sizes)
{
    var samples = Generate(size, seed: 42);
    GC.Collect();
    var clock = Stopwatch.StartNew();
    var diversity = new DiversityAccumulator();
    var labels = new LabelBalance(["positive", "negative"]);
    var coverage = new ConditionCoverage(new Dictionary<string, IReadOnlyDictionary<string, double>>
    {
        ["topic"] = Enumerable.Range(0, 20).ToDictionary(i => $"topic-{i}", _ => 1.0),
        ["length"] = new Dictionary<string, double> { ["short"] = 1, ["medium"] = 2, ["long"] = 1 },
        ["style"] = Enumerable.Range(0, 6).ToDictionary(i => $"style-{i}", _ => 1.0),
    });
    foreach (var (text, label, conditions) in samples)
    {
        diversity.Add(text);
        labels.Add(label);
        coverage.Add(conditions);
    }

    var metrics = diversity.Snapshot();
    _ = labels.Snapshot();
    _ = coverage.Snapshot();
    clock.Stop();
    var perSample = clock.Elapsed.TotalMicroseconds / size;
    firstPerSample ??= perSample;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {size:N0} | {clock.Elapsed.TotalSeconds:F2} | {perSample:F2} | {perSample / firstPerSample:F2} | {metrics.VocabularySize:N0} | {metrics.DistinctN[2]:F3} |"));
}

return 0;

static List<(string Text, string Label, Dictionary<string, string> Conditions)> Generate(int count, int seed)
{
    const int vocabulary = 50_000;
    var random = new Random(seed);
    // Zipf(1) over the vocabulary by inverse CDF on the harmonic partial sums.
    var cumulative = new double[vocabulary];
    double sum = 0;
    for (var i = 0; i < vocabulary; i++)
    {
        sum += 1.0 / (i + 1);
        cumulative[i] = sum;
    }

    string[] lengths = ["short", "medium", "long"];
    var samples = new List<(string, string, Dictionary<string, string>)>(count);
    var words = new string[25];
    for (var s = 0; s < count; s++)
    {
        var n = random.Next(5, 26);
        for (var w = 0; w < n; w++)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            words[w] = $"w{(index < 0 ? ~index : index)}";
        }

        samples.Add((string.Join(' ', words, 0, n), random.Next(2) == 0 ? "positive" : "negative", new Dictionary<string, string>
        {
            ["topic"] = $"topic-{random.Next(20)}",
            ["length"] = lengths[random.Next(3)],
            ["style"] = $"style-{random.Next(6)}",
        }));
    }

    return samples;
}
