using System.ComponentModel.DataAnnotations;

namespace Synth.ControlPlane;

public enum ControlPlaneTransport
{
    /// <summary>One machine: the bus lives in this process.</summary>
    InMemory = 1,
    /// <summary>A deployment: every service reaches the control plane through RabbitMQ.</summary>
    RabbitMq = 2,
}
