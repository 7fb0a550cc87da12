using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

public sealed record ReviewProgressResponse(string JobId, long Pending, long Leased, long Labelled, long Rejected, long Total);
