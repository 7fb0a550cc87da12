using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Synth.ControlPlane;
using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

public sealed record ChangeTargetRequest(int? TargetCount);
