using System.IO.Compression;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Synth.Pipeline;
using Synth.Evaluation.Processor.Reports;
using Synth.Store;

namespace Synth.Api;

/// <summary>
/// Writes the export into a temporary folder and zips the chosen format's folder with the dataset card. The zip is a
/// temporary file deleted when the response stream closes, so a large export is streamed from disk, not memory.
/// </summary>
public static class ExportArchive
{
    public static async Task<Stream> CreateAsync(ISampleStore store, JobReport report, Contracts.Jobs.JobSpec spec, string formatFolder, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("synth-export-").FullName;
        try
        {
            await JobReports.ExportAsync(store, report, spec, folder, cancellationToken);
            var zipPath = Path.Combine(Path.GetTempPath(), $"synth-export-{Guid.NewGuid():N}.zip");
            var zip = new FileStream(zipPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
                {
                    archive.CreateEntryFromFile(Path.Combine(folder, "README.md"), "README.md");
                    var data = Path.Combine(folder, formatFolder);
                    foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    {
                        archive.CreateEntryFromFile(file, Path.GetRelativePath(folder, file).Replace('\\', '/'));
                    }
                }

                zip.Position = 0;
                return zip;
            }
            catch
            {
                await zip.DisposeAsync();
                throw;
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
