using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>The report's files in a folder: report.json, report.html and dataset-card.md.</summary>
public sealed record ReportFiles(string Json, string Html, string Card);
