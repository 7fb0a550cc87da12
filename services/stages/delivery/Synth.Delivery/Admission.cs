namespace Synth.Delivery;

/// <summary>What <see cref="JobDataset{TAck}"/> did with an offered record or tombstone.</summary>
public enum Admission
{
    /// <summary>Held until a seal: its acknowledgement comes back from <see cref="JobDataset{TAck}.Committed"/> or <see cref="JobDataset{TAck}.Abort"/>.</summary>
    Pending,
    /// <summary>The dataset already holds this version or a newer one (a redelivery): acknowledge it now.</summary>
    AlreadyIn,
}
