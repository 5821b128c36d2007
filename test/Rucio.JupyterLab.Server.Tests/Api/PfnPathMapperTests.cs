using Rucio.JupyterLab.Server.Features.Replica;

namespace Rucio.JupyterLab.Server.Tests.Api;

public sealed class PfnPathMapperTests
{
    [Theory]
    // The example of seed 000 and the reference §4.4.
    [InlineData("root://xrd1:1094//rucio/test/49/ad/f1.txt", "/eos/rucio", 1, "/eos/rucio/test/49/ad/f1.txt")]
    [InlineData("root://xrd1:1094//rucio/test/49/ad/f1.txt", "/eos/rucio", 0, "/eos/rucio/rucio/test/49/ad/f1.txt")]
    // The ESCAPE VRE: /eos/pilot/eulake/escape/data/... onto /eos/eulake with 5.
    [InlineData("davs://eospilot.cern.ch:443/eos/pilot/eulake/escape/data/atlas/ab/cd/f.root", "/eos/eulake", 5, "/eos/eulake/atlas/ab/cd/f.root")]
    // Fewer segments than path_begins_at: Python's split keeps the last piece.
    [InlineData("file://localhost/a/b", "/mnt", 5, "/mnt/b")]
    // Like Python's urlparse: no unescaping, no dot-segment folding, query and fragment dropped.
    [InlineData("file://localhost/mnt/rse/x%20y.txt", "/data/", 2, "/data/x%20y.txt")]
    [InlineData("https://host:443/mnt/rse/a.txt?x=1#f", "/data", 2, "/data/a.txt")]
    public void MapsLikeTheExistingExtension(string pfn, string mount, int pathBeginsAt, string expected)
    {
        Assert.Equal(expected, new PfnPathMapper(mount, pathBeginsAt).Map(pfn, out var refusal));
        Assert.Null(refusal);
    }

    [Theory]
    [InlineData("root://host//rucio/../../../etc/passwd", 1)]
    [InlineData("root://host//rucio/ok/../../x", 1)]
    [InlineData("root://host//rucio/a/b/../../../../x", 0)]
    [InlineData("not a url", 0)]
    public void RefusesWhatWouldLeaveTheMount(string pfn, int pathBeginsAt)
    {
        Assert.Null(new PfnPathMapper("/eos/rucio", pathBeginsAt).Map(pfn, out var refusal));
        Assert.NotNull(refusal);
    }
}
