using System.Globalization;
using System.Net;
using System.Text;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>
/// The report as one self-contained HTML page: the report JSON embedded, and a small inline script that draws each
/// chart as SVG — no CDN, no external file, so the page opens offline and can be mailed or archived as it is. A chart
/// appears only when it has data (a job without rejects has no reject-reasons chart).
/// </summary>
public static class HtmlReport
{
    public static string Render(JobReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var curated = report.Curated;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{E(report.JobName)} — Synth.Streaming report</title>
            <style>{Style}</style>
            </head>
            <body>
            <h1>{E(report.JobName)}</h1>
            <p class="meta">Job <code>{E(report.JobId)}</code> · {E(report.TaskType)} · state {E(report.JobState ?? "unknown")} · report of {report.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC</p>
            <section class="tiles">
            {Tile("curated samples / target", $"{curated.Samples.ToString("N0", CultureInfo.InvariantCulture)} / {report.Counts.Target.ToString("N0", CultureInfo.InvariantCulture)}")}
            {Tile("rejected", report.Counts.SamplesByState.GetValueOrDefault("rejected").ToString("N0", CultureInfo.InvariantCulture))}
            {Tile("vocabulary", curated.Diversity.VocabularySize.ToString("N0", CultureInfo.InvariantCulture))}
            {Tile("distinct-2", F(curated.Diversity.DistinctN.ElementAtOrDefault(1)))}
            {Tile("mean novelty", curated.MeanNovelty is { } n ? F(n) : "not measured")}
            {Tile("mean pairwise cosine", curated.Similarity is { } s ? $"{F(s.Mean)} ± {F(s.HalfWidth)}" : "not measured")}
            {Tile(curated.Clusters is { } k ? $"embedding clusters (cosine ≥ {F(k.Threshold)}, {k.Samples:N0} samples)" : "embedding clusters", curated.Clusters is { } c ? c.Clusters.ToString("N0", CultureInfo.InvariantCulture) : "not measured")}
            {Tile("cost", report.Counts.CostUsd.ToString("$0.0000", CultureInfo.InvariantCulture))}
            {Tile("failures", report.Counts.Failures.ToString(CultureInfo.InvariantCulture))}
            {(report.Faithfulness is { } faithfulness ? Tile($"faithful (LLM judge {faithfulness.Judge.Trials} + humans {faithfulness.Human?.Trials ?? 0}; {F(faithfulness.Confidence * 100)}% interval)", $"{F(faithfulness.Combined.Estimate)} [{F(faithfulness.Combined.Low)}, {F(faithfulness.Combined.High)}]") : "")}
            {(report.HumanAgreement is { } agreement ? Tile($"reviewers kept the generated label ({agreement.Trials} reviewed; 95% interval)", $"{F(agreement.Estimate)} [{F(agreement.Low)}, {F(agreement.High)}]") : "")}
            </section>

            """);

        Figure(html, "lengths", "Length distribution (words)", true);
        Figure(html, "labels", "Label distribution", curated.Labels is { Counts.Count: > 0 });
        Figure(html, "timeline", "Diversity over time", curated.Timeline.Count > 0);
        Figure(html, "coverage", "Coverage of each condition dimension (bars: samples; orange marks: the count the job's target shares ask for)", curated.Coverage.Count > 0);
        Figure(html, "heatmap", curated.HeatMap is { } map ? $"Coverage heat map: {map.RowDimension} × {map.ColumnDimension}" : "", curated.HeatMap is not null);
        Figure(html, "rejects", "Filter reject reasons", report.RejectReasons.Count > 0);
        if (report.Indirect is { } indirect)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <section>
                <h2>Indirect evaluation on {E(indirect.Benchmark)} ({indirect.TestSize:N0} test examples)</h2>
                <table>
                <tr><th>trained on</th><th>examples</th><th>accuracy</th><th>macro-F1</th></tr>
                {Row("synthetic", indirect.Synthetic)}{(indirect.RealBaseline is { } real ? Row("real (same size)", real) : "")}{(indirect.RealPlusSynthetic is { } both ? Row("real + synthetic", both) : "")}
                </table>
                <table>
                <tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>
                {string.Concat(indirect.Synthetic.PerClass.Select(c => $"<tr><td>{E(c.Label)}</td><td>{F(c.Precision)}</td><td>{F(c.Recall)}</td><td>{F(c.F1)}</td><td>{c.Support}</td></tr>"))}
                </table>
                </section>

                """);
        }

        if (report.Faithfulness is { } judged)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <section id="faithfulness">
                <h2>Faithfulness</h2>
                <table>
                <tr><th>judged by</th><th>samples</th><th>faithful</th><th>estimate</th><th>{F(judged.Confidence * 100)}% Wilson interval</th></tr>
                {FaithfulnessRow($"LLM judge ({judged.JudgeModel}), random sample", judged.Judge)}{(judged.Human is { } human ? FaithfulnessRow("human reviewers (agreed with the model's label)", human) : "")}{FaithfulnessRow("combined", judged.Combined)}
                </table>
                <p>{judged.SampleSize:N0} of {judged.Population:N0} curated samples without a human label were drawn (seeded by the job id) for the target margin; {judged.Failures:N0} judge calls failed and are stored as failures of the job.</p>
                </section>

                """);
        }

        if (report.Real is { } realData)
        {
            RealComparison(html, curated, realData);
        }

        Figure(html, "confusion", "Confusion matrix of the model trained on synthetic data (rows: true label, columns: predicted)", report.Indirect is not null);
        Figure(html, "curve", "Learning curve: test accuracy and macro-F1 against synthetic training examples", report.Indirect is not null);

        html.Append(CultureInfo.InvariantCulture, $"""
            <section>
            <h2>Diversity</h2>
            <table>
            <tr><th>n</th><th>distinct-n</th><th>entropy (bits)</th></tr>
            {string.Concat(curated.Diversity.DistinctN.Select((d, i) => $"<tr><td>{i + 1}</td><td>{F(d)}</td><td>{F(curated.Diversity.EntropyN[i])}</td></tr>"))}
            </table>
            <p>Length: mean {F(curated.Diversity.Lengths.Mean)} words, sd {F(curated.Diversity.Lengths.StandardDeviation)}, min {curated.Diversity.Lengths.Min}, max {curated.Diversity.Lengths.Max}. Weights: min {F(curated.Weights.Min)}, mean {F(curated.Weights.Mean)}, max {F(curated.Weights.Max)}.</p>
            {(curated.Similarity is { } sim ? $"<p>Mean pairwise cosine similarity {F(sim.Mean)} ± {F(sim.HalfWidth)} at {F(sim.Confidence)} confidence over {sim.Pairs:N0} {(sim.Exact ? "pairs (exact)" : "sampled pairs (Hoeffding bound)")}.</p>" : "")}
            </section>
            <script type="application/json" id="report-data">{ReportJson.Serialize(report)}</script>
            <script>{Script}</script>
            </body>
            </html>
            """);
        return html.ToString();
    }

    /// <summary>The curated and the real samples' direct metrics side by side, then the distance between their embeddings.</summary>
    private static void RealComparison(StringBuilder html, CuratedMetrics curated, RealDataComparison real)
    {
        var rows = new List<(string Metric, string Synthetic, string Real)>
        {
            ("samples", curated.Samples.ToString("N0", CultureInfo.InvariantCulture), real.Samples.ToString("N0", CultureInfo.InvariantCulture)),
            ("vocabulary", curated.Diversity.VocabularySize.ToString("N0", CultureInfo.InvariantCulture), real.Diversity.VocabularySize.ToString("N0", CultureInfo.InvariantCulture)),
        };
        for (var n = 0; n < Math.Min(curated.Diversity.DistinctN.Count, real.Diversity.DistinctN.Count); n++)
        {
            rows.Add(($"distinct-{n + 1}", F(curated.Diversity.DistinctN[n]), F(real.Diversity.DistinctN[n])));
            rows.Add(($"{n + 1}-gram entropy (bits)", F(curated.Diversity.EntropyN[n]), F(real.Diversity.EntropyN[n])));
        }

        rows.Add(("mean length (words)", F(curated.Diversity.Lengths.Mean), F(real.Diversity.Lengths.Mean)));
        rows.Add(("length sd (words)", F(curated.Diversity.Lengths.StandardDeviation), F(real.Diversity.Lengths.StandardDeviation)));
        if (curated.Labels is { } syntheticLabels && real.Labels is { } realLabels)
        {
            rows.Add(("label balance (normalised entropy)", F(syntheticLabels.NormalisedEntropy), F(realLabels.NormalisedEntropy)));
            foreach (var label in syntheticLabels.Counts.Keys.Union(realLabels.Counts.Keys))
            {
                rows.Add(($"share labelled {label}", F(Share(syntheticLabels, label)), F(Share(realLabels, label))));
            }
        }

        if (curated.Similarity is { } syntheticSimilarity && real.Similarity is { } realSimilarity)
        {
            rows.Add(("mean pairwise cosine", F(syntheticSimilarity.Mean), F(realSimilarity.Mean)));
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <section id="real-comparison">
            <h2>Comparison with the real support set ({E(real.SupportSet)})</h2>
            <table>
            <tr><th>metric</th><th>synthetic (curated)</th><th>real</th></tr>
            {string.Concat(rows.Select(r => $"<tr><td>{E(r.Metric)}</td><td>{E(r.Synthetic)}</td><td>{E(r.Real)}</td></tr>"))}
            </table>
            {(real.Distance is { } d ? $"<p>Distance between the MiniLM embeddings of {d.SyntheticSamples:N0} synthetic and {d.RealSamples:N0} real samples: MMD² {F(d.MmdSquared)} (Gaussian kernel, σ = {F(d.Bandwidth)}, the median pooled distance; 0 is the same distribution). Mean cosine similarity of a synthetic sample to its nearest real one: {F(d.MeanNearestRealCosine)}.</p>" : "")}
            </section>

            """);
    }

    private static string FaithfulnessRow(string name, Synth.Evaluation.ProportionInterval interval) =>
        $"<tr><td>{E(name)}</td><td>{interval.Trials:N0}</td><td>{interval.Successes:N0}</td><td>{F(interval.Estimate)}</td><td>{F(interval.Low)}–{F(interval.High)}</td></tr>";

    private static double Share(Synth.Evaluation.LabelBalanceMetrics labels, string label)
    {
        var total = labels.Counts.Values.Sum();
        return total == 0 ? 0 : (double)labels.Counts.GetValueOrDefault(label) / total;
    }

    private static void Figure(StringBuilder html, string id, string title, bool hasData)
    {
        if (hasData)
        {
            html.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\" id=\"chart-{id}\"><figcaption>{E(title)}</figcaption></figure>\n");
        }
    }

    private static string Row(string name, Synth.Evaluation.Processor.Downstream.ClassifierScore score) =>
        $"<tr><td>{E(name)}</td><td>{score.TrainSize:N0}</td><td>{F(score.Accuracy)}</td><td>{F(score.MacroF1)}</td></tr>";

    private static string Tile(string name, string value) => $"<div class=\"tile\"><div class=\"value\">{E(value)}</div><div class=\"name\">{E(name)}</div></div>";

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1d2430; padding: 0 1rem; }
        h1 { margin-bottom: 0; } .meta { color: #5b6472; margin-top: .3rem; }
        .tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: .6rem; margin: 1rem 0 1.5rem; }
        .tile { background: #f3f5f8; border-radius: 6px; padding: .6rem .8rem; }
        .tile .value { font-size: 1.3rem; font-weight: 600; } .tile .name { color: #5b6472; font-size: .85rem; }
        figure.chart { margin: 0 0 1.5rem; } figcaption { font-weight: 600; margin-bottom: .3rem; }
        svg text { font: 11px system-ui, sans-serif; fill: #1d2430; }
        table { border-collapse: collapse; } td, th { border: 1px solid #d5dae1; padding: .2rem .6rem; text-align: right; }
        """;

    // Each chart function draws into its figure and records how many data marks it drew (data-points), so a test or a
    // reader can tell a chart with data from an empty frame.
    private const string Script = """
        (function () {
          'use strict';
          const report = JSON.parse(document.getElementById('report-data').textContent);
          const NS = 'http://www.w3.org/2000/svg';
          const palette = ['#3b6fd4', '#d9822b', '#2f9e6e', '#b54a9e', '#c9423a', '#6b7785'];
          function el(name, attrs, parent, text) {
            const node = document.createElementNS(NS, name);
            for (const key in attrs) node.setAttribute(key, attrs[key]);
            if (text !== undefined) node.textContent = text;
            if (parent) parent.appendChild(node);
            return node;
          }
          function frame(id, width, height) {
            const figure = document.getElementById('chart-' + id);
            if (!figure) return null;
            const svg = el('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' }, figure);
            return { figure: figure, svg: svg };
          }
          function done(chart, points) { chart.figure.dataset.points = String(points); }
          // expected (optional): a target count per bar, drawn as a mark across it.
          function bars(id, labels, values, expected) {
            const chart = frame(id, 1000, 260);
            if (!chart) return;
            const max = Math.max(1, ...values, ...(expected || []));
            const left = 50, bottom = 200, width = 930, slot = width / Math.max(1, values.length);
            el('line', { x1: left, y1: bottom, x2: left + width, y2: bottom, stroke: '#8a93a0' }, chart.svg);
            el('text', { x: left - 6, y: 20, 'text-anchor': 'end' }, chart.svg, String(max));
            let points = 0;
            values.forEach(function (value, i) {
              const h = (value / max) * 180, x = left + i * slot + slot * 0.15;
              el('rect', { x: x, y: bottom - h, width: slot * 0.7, height: h, fill: palette[0], class: 'mark' }, chart.svg)
                .appendChild(el('title', {}, null, labels[i] + ': ' + value));
              el('text', { x: x + slot * 0.35, y: bottom - h - 4, 'text-anchor': 'middle' }, chart.svg, String(value));
              el('text', { x: x + slot * 0.35, y: bottom + 16, 'text-anchor': 'middle' }, chart.svg, String(labels[i]).slice(0, 24));
              if (expected) {
                const t = (expected[i] / max) * 180;
                el('line', { x1: x, x2: x + slot * 0.7, y1: bottom - t, y2: bottom - t, stroke: palette[1], 'stroke-width': 3 }, chart.svg);
              }
              points++;
            });
            done(chart, points);
          }
          function lines(id, xs, series) {
            const chart = frame(id, 1000, 260);
            if (!chart) return;
            const left = 50, bottom = 220, width = 820, height = 200;
            const maxX = Math.max(1, ...xs);
            const all = series.flatMap(function (s) { return s.values.filter(function (v) { return v !== null; }); });
            const maxY = Math.max(1e-9, ...all);
            el('line', { x1: left, y1: bottom, x2: left + width, y2: bottom, stroke: '#8a93a0' }, chart.svg);
            el('line', { x1: left, y1: bottom, x2: left, y2: bottom - height, stroke: '#8a93a0' }, chart.svg);
            el('text', { x: left - 6, y: bottom - height + 4, 'text-anchor': 'end' }, chart.svg, maxY.toFixed(2));
            el('text', { x: left + width, y: bottom + 16, 'text-anchor': 'end' }, chart.svg, maxX + ' samples');
            let points = 0;
            series.forEach(function (s, k) {
              const coords = [];
              s.values.forEach(function (v, i) {
                if (v === null) return;
                const x = left + (xs[i] / maxX) * width, y = bottom - (v / maxY) * height;
                coords.push(x + ',' + y);
                el('circle', { cx: x, cy: y, r: 3, fill: palette[k], class: 'mark' }, chart.svg);
                points++;
              });
              el('polyline', { points: coords.join(' '), fill: 'none', stroke: palette[k], 'stroke-width': 2 }, chart.svg);
              el('text', { x: left + width + 10, y: 30 + k * 16, fill: palette[k] }, chart.svg, s.name);
            });
            done(chart, points);
          }
          function heat(id, rows, columns, cells) {
            const cell = 44, left = 140, top = 90;
            const chart = frame(id, left + columns.length * cell + 20, top + rows.length * cell + 20);
            if (!chart) return;
            const max = Math.max(1, ...cells.flat());
            columns.forEach(function (c, j) {
              el('text', { x: left + j * cell + cell / 2, y: top - 8, transform: 'rotate(-40 ' + (left + j * cell + cell / 2) + ' ' + (top - 8) + ')' }, chart.svg, String(c).slice(0, 18));
            });
            let points = 0;
            rows.forEach(function (r, i) {
              el('text', { x: left - 6, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'end' }, chart.svg, String(r).slice(0, 20));
              columns.forEach(function (c, j) {
                const v = cells[i][j];
                el('rect', { x: left + j * cell, y: top + i * cell, width: cell - 2, height: cell - 2, fill: '#3b6fd4', 'fill-opacity': 0.08 + 0.92 * v / max, class: 'mark' }, chart.svg)
                  .appendChild(el('title', {}, null, r + ' × ' + c + ': ' + v));
                el('text', { x: left + j * cell + cell / 2, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'middle' }, chart.svg, String(v));
                points++;
              });
            });
            done(chart, points);
          }
          function coverage(id, rows) {
            const labels = [], values = [], expected = [];
            rows.forEach(function (row) {
              const total = Object.values(row.counts).reduce(function (a, b) { return a + b; }, 0);
              Object.keys(row.counts).forEach(function (value) {
                labels.push(row.dimension + '=' + value);
                values.push(row.counts[value]);
                expected.push((row.targets[value] || 0) * total);
              });
            });
            bars(id, labels, values, expected);
          }
          const c = report.curated;
          const lengths = c.diversity.lengths;
          bars('lengths', lengths.histogram.map(function (_, i) {
            return i === 0 ? '<' + lengths.edges[0] : i === lengths.edges.length ? '≥' + lengths.edges[i - 1] : lengths.edges[i - 1] + '–' + (lengths.edges[i] - 1);
          }), lengths.histogram);
          if (c.labels) bars('labels', Object.keys(c.labels.counts), Object.values(c.labels.counts));
          lines('timeline', c.timeline.map(function (p) { return p.samples; }), [
            { name: 'distinct-1', values: c.timeline.map(function (p) { return p.distinct1; }) },
            { name: 'distinct-2', values: c.timeline.map(function (p) { return p.distinct2; }) },
            { name: 'mean novelty', values: c.timeline.map(function (p) { return p.meanNovelty === undefined ? null : p.meanNovelty; }) }
          ]);
          coverage('coverage', c.coverage);
          if (c.heatMap) heat('heatmap', c.heatMap.rows, c.heatMap.columns, c.heatMap.cells);
          bars('rejects', Object.keys(report.rejectReasons), Object.values(report.rejectReasons));
          if (report.indirect) {
            const s = report.indirect.synthetic;
            heat('confusion', s.labels, s.labels, s.confusion);
            const curve = report.indirect.learningCurve;
            lines('curve', curve.map(function (p) { return p.trainSize; }), [
              { name: 'accuracy', values: curve.map(function (p) { return p.accuracy; }) },
              { name: 'macro-F1', values: curve.map(function (p) { return p.macroF1; }) }
            ]);
          }
        })();
        """;
}
