using System.Globalization;
using System.Text;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>
/// The Markdown dataset card (README.md of an export): YAML front matter that Hugging Face <c>datasets</c> reads
/// (its <c>configs</c> name the data files of each split), then how the data was made and what the report measured.
/// </summary>
public static class DatasetCard
{
    public static string Render(JobReport report, JobSpec spec, ExportResult? export)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(spec);
        var md = new StringBuilder();
        md.AppendLine("---");
        md.AppendLine(CultureInfo.InvariantCulture, $"pretty_name: {Yaml(report.JobName)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"task_categories:\n- {HubTask(spec.Task.Type)}");
        md.AppendLine("tags:\n- synthetic\n- synth-streaming");
        md.AppendLine(CultureInfo.InvariantCulture, $"size_categories:\n- {SizeCategory(export?.TotalRows ?? report.Curated.Samples)}");
        if (export is { Rows.Count: > 0 })
        {
            md.AppendLine("configs:");
            md.AppendLine("- config_name: default\n  default: true\n  data_files:");
            foreach (var split in DatasetSplits.All.Where(export.Rows.ContainsKey))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"  - split: {split}\n    path: {DatasetExporter.ParquetFolder}/{split}-*.parquet");
            }

            md.AppendLine("- config_name: jsonl\n  data_files:");
            foreach (var split in DatasetSplits.All.Where(export.Rows.ContainsKey))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"  - split: {split}\n    path: {DatasetExporter.JsonlFolder}/{split}.jsonl");
            }
        }

        md.AppendLine("---");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {report.JobName}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Synthetic {report.TaskType} data generated, curated and evaluated by Synth.Streaming (job `{report.JobId}`). {spec.Task.DataDescription}");
        if (spec.Task.Purpose is { } purpose)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Purpose: {purpose}");
        }

        md.AppendLine();
        md.AppendLine("## Loading");
        md.AppendLine();
        md.AppendLine("```python\nfrom datasets import load_dataset\nds = load_dataset(\"path/to/this/folder\")          # Parquet\nds = load_dataset(\"path/to/this/folder\", \"jsonl\") # the same rows as JSON Lines\n```");
        if (export is not null)
        {
            md.AppendLine();
            md.AppendLine("## Splits");
            md.AppendLine();
            md.AppendLine("| split | rows |\n| --- | --- |");
            foreach (var (split, rows) in DatasetSplits.All.Where(export.Rows.ContainsKey).Select(s => (s, export.Rows[s])))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {split} | {rows:N0} |");
            }

            var e = spec.Evaluation.Export;
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Each sample's split comes from a hash of its id seeded with {e.Seed} (fractions {e.TrainFraction}/{e.ValidationFraction}/{e.TestFraction}), so it is stable across exports.");
            md.AppendLine();
            md.AppendLine("## Columns");
            md.AppendLine();
            md.AppendLine("| column | meaning |\n| --- | --- |");
            foreach (var column in export.Columns)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| `{column}` | {ColumnMeaning(column)} |");
            }
        }

        md.AppendLine();
        md.AppendLine("## How it was made");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Model: {spec.Generation.Model ?? spec.Generation.Deployment ?? "(not recorded)"} via {spec.Generation.Provider}, strategy {spec.Generation.Strategy}, temperature {spec.Generation.Temperature.ToString(CultureInfo.InvariantCulture)}.");
        if (spec.Task.Labels.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Labels: {string.Join(", ", spec.Task.Labels.Select(l => $"`{l.Name}` ({l.Description})"))}.");
        }

        foreach (var dimension in spec.Conditions.Dimensions)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Condition `{dimension.Name}`: {string.Join(", ", dimension.Values.Select(v => v.Value))}.");
        }

        var counts = report.Counts;
        md.AppendLine(CultureInfo.InvariantCulture, $"- Samples: {string.Join(", ", counts.SamplesByState.Select(s => $"{s.Value:N0} {s.Key}"))}; {counts.RequestsSucceeded:N0} requests succeeded, {counts.RequestsFailed:N0} failed; {counts.PromptTokens + counts.CompletionTokens:N0} tokens, ${counts.CostUsd.ToString("0.00##", CultureInfo.InvariantCulture)}.");
        if (report.RejectReasons.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Filter rejected: {string.Join(", ", report.RejectReasons.Select(r => $"{r.Key} ({r.Value:N0})"))}.");
        }

        if (report.LabelChanges.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Labels changed after generation: {string.Join(", ", report.LabelChanges.Select(r => $"{r.Key} ({r.Value:N0})"))}.");
        }

        var c = report.Curated;
        md.AppendLine();
        md.AppendLine("## Quality (from the evaluation report)");
        md.AppendLine();
        md.AppendLine("| metric | value |\n| --- | --- |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| curated samples | {c.Samples:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| vocabulary size | {c.Diversity.VocabularySize:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| distinct-1 / distinct-2 / distinct-3 | {string.Join(" / ", c.Diversity.DistinctN.Select(F))} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| mean length (words) | {F(c.Diversity.Lengths.Mean)} |");
        if (c.Labels is { } labels)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| label counts | {string.Join(", ", labels.Counts.Select(l => $"{l.Key} {l.Value:N0}"))} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| label balance (normalised entropy) | {F(labels.NormalisedEntropy)} |");
        }

        foreach (var row in c.Coverage)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| coverage of `{row.Dimension}` (deviation from target) | {F(row.Coverage)} ({F(row.Deviation)}) |");
        }

        if (c.Similarity is { } similarity)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| mean pairwise cosine similarity | {F(similarity.Mean)} ± {F(similarity.HalfWidth)} ({F(similarity.Confidence)} confidence) |");
        }

        if (c.Clusters is { } clusters)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| embedding clusters (leader clustering, cosine ≥ {F(clusters.Threshold)}, {clusters.Samples:N0} samples) | {clusters.Clusters:N0} |");
        }

        if (report.HumanAgreement is { } agreement)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| reviewers kept the generated label ({agreement.Trials:N0} reviewed, least confident first) | {F(agreement.Estimate)} (95% interval {F(agreement.Low)}–{F(agreement.High)}) |");
        }

        if (report.Faithfulness is { } faithfulness)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| faithful (LLM judge on {faithfulness.Judge.Trials:N0} random samples + {faithfulness.Human?.Trials ?? 0:N0} human-labelled) | {F(faithfulness.Combined.Estimate)} ({F(faithfulness.Confidence * 100)}% interval {F(faithfulness.Combined.Low)}–{F(faithfulness.Combined.High)}; judge alone {F(faithfulness.Judge.Estimate)}) |");
        }

        if (c.MeanNovelty is { } novelty)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| mean nearest-neighbour novelty | {F(novelty)} |");
        }

        if (report.Real is { } realData)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| real support set `{realData.SupportSet}`: samples, vocabulary, distinct-2, mean length | {realData.Samples:N0}, {realData.Diversity.VocabularySize:N0}, {F(realData.Diversity.DistinctN.ElementAtOrDefault(1))}, {F(realData.Diversity.Lengths.Mean)} |");
            if (realData.Distance is { } distance)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| distance to the real data: Gaussian-kernel MMD² (σ {F(distance.Bandwidth)}) / mean nearest-real cosine | {F(distance.MmdSquared)} / {F(distance.MeanNearestRealCosine)} |");
            }
        }

        if (report.Indirect is { } indirect)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## Indirect evaluation ({indirect.Benchmark}, {indirect.TestSize:N0} test examples)");
            md.AppendLine();
            md.AppendLine("| trained on | examples | accuracy | macro-F1 |\n| --- | --- | --- | --- |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| this synthetic data | {indirect.Synthetic.TrainSize:N0} | {F(indirect.Synthetic.Accuracy)} | {F(indirect.Synthetic.MacroF1)} |");
            if (indirect.RealBaseline is { } real)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| real data of equal size | {real.TrainSize:N0} | {F(real.Accuracy)} | {F(real.MacroF1)} |");
            }

            if (indirect.RealPlusSynthetic is { } both)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| real + synthetic | {both.TrainSize:N0} | {F(both.Accuracy)} | {F(both.MacroF1)} |");
            }
        }

        md.AppendLine();
        md.AppendLine("## Limitations");
        md.AppendLine();
        md.AppendLine("The data is machine-generated: it can carry the generating model's errors and biases, and its labels were assigned by a model (and refined where the report says so), not all checked by people. Check it against real data before relying on it.");
        return md.ToString();
    }

    private static string ColumnMeaning(string column) => column switch
    {
        "id" => "stable sample id (job, request, index)",
        "conditions" => "the condition values the sample was generated under (JSON object)",
        "weight" => "training weight from curation (1 unless re-weighted)",
        "turns" => "the dialogue as a JSON list of {role, text}",
        _ => $"the sample's {column}",
    };

    private static string HubTask(TaskType type) => type switch
    {
        TaskType.TextClassification => "text-classification",
        TaskType.QuestionAnswering => "question-answering",
        _ => "text-generation",
    };

    private static string SizeCategory(long rows) => rows switch
    {
        < 1_000 => "n<1K",
        < 10_000 => "1K<n<10K",
        < 100_000 => "10K<n<100K",
        < 1_000_000 => "100K<n<1M",
        _ => "1M<n<10M",
    };

    private static string Yaml(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
