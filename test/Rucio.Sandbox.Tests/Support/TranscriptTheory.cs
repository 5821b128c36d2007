using Xunit.Abstractions;
using Xunit.Sdk;

namespace Rucio.Sandbox.Tests.Support;

/// <summary>A theory whose cases are displayed by their first argument alone (the transcript file name).</summary>
[XunitTestCaseDiscoverer("Rucio.Sandbox.Tests.Support.TranscriptTheoryDiscoverer", "Rucio.Sandbox.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class TranscriptTheoryAttribute : TheoryAttribute;

/// <summary>Creates one <see cref="TranscriptTestCase"/> per data row. Public because xunit instantiates it by name.</summary>
public sealed class TranscriptTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow) =>
        [new TranscriptTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow)];
}

/// <summary>A theory case named after its transcript. Public with a parameterless constructor for xunit's serializer.</summary>
public sealed class TranscriptTestCase : XunitTestCase
{
    [Obsolete("Called by the xunit deserializer only.", error: true)]
    public TranscriptTestCase()
    {
    }

    public TranscriptTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, object[] row)
        : base(sink, display, options, method, row)
    {
    }

    protected override string GetDisplayName(IAttributeInfo factAttribute, string displayName) =>
        TestMethodArguments is [string transcript, ..] ? transcript : base.GetDisplayName(factAttribute, displayName);
}
