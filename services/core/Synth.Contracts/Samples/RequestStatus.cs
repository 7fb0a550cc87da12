namespace Synth.Contracts.Samples;

public enum RequestStatus
{
    Succeeded = 1,
    Failed = 2,
}
