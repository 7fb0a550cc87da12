using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Synth.Architecture.Tests;

/// <summary>
/// A stage's algorithm library does no I/O, so it is unit-tested without any server: its compiled code references no
/// file, network, process, database, broker or model-client type. Checked on the built assemblies' type references.
/// </summary>
public sealed class AlgorithmPurityTests
{
    private static readonly string[] ForbiddenTypes =
    [
        "System.IO.File", "System.IO.FileInfo", "System.IO.FileStream", "System.IO.Directory", "System.IO.DirectoryInfo",
        "System.IO.StreamWriter", "System.Console", "System.Diagnostics.Process",
        "System.Net.Http.HttpClient", "System.Threading.Thread",
    ];

    private static readonly string[] ForbiddenNamespaces =
    [
        "System.Net", "System.Net.Http", "System.Net.Sockets", "Microsoft.Data.Sqlite", "MongoDB.Driver", "MongoDB.Bson",
        "Confluent.Kafka", "MassTransit", "Microsoft.Extensions.Hosting", "OpenAI", "Azure.AI.OpenAI", "LLama",
    ];

    // System.Environment itself is referenced by compiler-generated code (regex source generator), so only its reads of
    // the process environment are forbidden.
    private static readonly string[] ForbiddenMembers =
    [
        "System.Environment.GetEnvironmentVariable", "System.Environment.GetEnvironmentVariables", "System.Environment.Exit",
    ];

    public static TheoryData<string> AlgorithmAssemblies() => ["Synth.Generation", "Synth.Curation", "Synth.Evaluation", "Synth.Delivery"];

    [Theory]
    [MemberData(nameof(AlgorithmAssemblies))]
    public void Algorithm_library_references_no_io_type(string assemblyName)
    {
        var location = Assembly.Load(assemblyName).Location;
        using var pe = new PEReader(File.OpenRead(location));
        var metadata = pe.GetMetadataReader();
        var referenced = metadata.TypeReferences
            .Select(handle => metadata.GetTypeReference(handle))
            .Select(t => (Namespace: metadata.GetString(t.Namespace), Name: metadata.GetString(t.Name)))
            .ToList();
        Assert.NotEmpty(referenced);

        var violations = referenced
            .Where(t => ForbiddenTypes.Contains($"{t.Namespace}.{t.Name}")
                || ForbiddenNamespaces.Any(ns => t.Namespace == ns || t.Namespace.StartsWith(ns + ".", StringComparison.Ordinal)))
            .Select(t => $"{t.Namespace}.{t.Name}")
            .Concat(MemberReferences(metadata).Where(ForbiddenMembers.Contains))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(violations.Count == 0, $"{assemblyName} references I/O types: {string.Join(", ", violations)}");
    }

    private static IEnumerable<string> MemberReferences(MetadataReader metadata)
    {
        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                var type = metadata.GetTypeReference((TypeReferenceHandle)member.Parent);
                yield return $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}.{metadata.GetString(member.Name)}";
            }
        }
    }
}
