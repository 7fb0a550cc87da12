using Xunit.Abstractions;
using Xunit.Sdk;

namespace Synth.Store.Tests;

/// <summary>
/// A [Fact] of the store contract suite. It is reported as skipped — never silently passed — when the concrete
/// test class carries a <see cref="RequiresEnvironmentVariableAttribute"/> whose variable is not set.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Synth.Store.Tests.StoreFactDiscoverer", "Synth.Store.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>The store under test needs a server named by this environment variable.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentVariableAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        // testMethod.TestClass is the concrete class even for a method inherited from the abstract suite.
        var missing = testMethod.TestClass.Class
            .GetCustomAttributes(typeof(RequiresEnvironmentVariableAttribute))
            .Select(attribute => (string)attribute.GetConstructorArguments().Single())
            .FirstOrDefault(name => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name)));
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        yield return missing is null
            ? new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)
            : new SkippedTestCase(diagnosticMessageSink, display, displayOptions, testMethod, $"Set {missing} to run this store's contract tests.");
    }
}

/// <summary>A test case that always reports the skip reason it was discovered with.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("For deserialization by the xunit runner only.")]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod, string reason)
        : base(sink, display, displayOptions, testMethod) => _reason = reason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        // Before the base: its Deserialize initializes the test case, which reads the skip reason.
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }
}
