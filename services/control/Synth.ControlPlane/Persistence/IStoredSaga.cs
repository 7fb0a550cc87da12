using System.Text.Json;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using MassTransit.Saga;
using Synth.Store;

namespace Synth.ControlPlane.Persistence;

/// <summary>The fields of a saga the store indexes.</summary>
public interface IStoredSaga
{
    string JobId { get; }
    string CurrentState { get; }
}
