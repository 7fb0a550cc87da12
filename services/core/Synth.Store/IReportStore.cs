namespace Synth.Store;

/// <summary>
/// Where job reports are kept: one per job, the latest replacing the earlier (a report is recomputed from the
/// samples, so nothing is lost by replacing it). Both stores implement it beside <see cref="ISampleStore"/>.
/// </summary>
public interface IReportStore
{
    Task SaveReportAsync(StoredReport report, CancellationToken cancellationToken);

    Task<StoredReport?> GetReportAsync(string jobId, CancellationToken cancellationToken);
}
