using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>Every control-plane message names its job, and is correlated to the job's saga by <see cref="JobCorrelation.Of"/>.</summary>
public interface IJobMessage
{
    Guid CorrelationId { get; }
    string JobId { get; }
}
