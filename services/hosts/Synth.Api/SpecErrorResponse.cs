using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Synth.ControlPlane;
using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>One problem of a submitted spec: where (line, column, field) and what.</summary>
public sealed record SpecErrorResponse(string Field, long? Line, long? Column, string Message);
