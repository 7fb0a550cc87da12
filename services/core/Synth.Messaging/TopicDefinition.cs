using System.Globalization;
using Synth.Contracts.Messaging;

namespace Synth.Messaging;

/// <summary>A topic to create and its partition count (the replication factor is the deployment's choice).</summary>
public sealed record TopicDefinition(string Name, int Partitions);
