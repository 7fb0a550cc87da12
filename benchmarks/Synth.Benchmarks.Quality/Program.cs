using System.Globalization;
using Synth.Testing;

// Usage: Synth.Benchmarks.Quality [target] [run] — runs the six jobs (or those whose name contains run) one after
// another and prints one Markdown table.
var target = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 600;
QualityRun[] runs =
[
    new("default, balanced", target, LlmCuration: false),
    new("LLM, balanced", target, LlmCuration: true),
    new("default, skewed", target, LlmCuration: false, PositiveShare: 0.8),
    new("LLM, skewed", target, LlmCuration: true, PositiveShare: 0.8),
    new("support set, balanced", target, LlmCuration: false, SupportSet: 100),
    new("support set k 1.5, balanced", target, LlmCuration: false, SupportSet: 100, OutlierDeviations: 1.5),
];

var work = Directory.CreateTempSubdirectory("synth-quality-").FullName;
var results = new List<QualityResult>();
foreach (var run in runs.Where(run => args.Length < 2 || run.Name.Contains(args[1], StringComparison.OrdinalIgnoreCase)))
{
    Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {run.Name}: target {run.Target}");
    results.Add(await QualityBenchmark.RunAsync(run, work, TimeSpan.FromMinutes(30)));
}

Console.WriteLine(QualityBenchmark.Table(results));
Console.Error.WriteLine($"Stores, specs, reports and the served logs: {work}");
