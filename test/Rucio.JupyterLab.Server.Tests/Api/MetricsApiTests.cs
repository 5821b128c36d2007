using System.Text.RegularExpressions;
using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

public sealed class MetricsApiTests
{
    [Fact]
    public async Task CountsAndTimesRequestsPerRouteTemplate()
    {
        await using var backend = await BackendHost.StartAsync(null);
        await backend.GetAsync("/rucio-jupyterlab/instances");
        await backend.GetAsync("/rucio-jupyterlab/instances");
        await backend.GetAsync("/rucio-jupyterlab/list-scopes?namespace=nowhere");

        using var response = await backend.Http.GetAsync("/rucio-jupyterlab/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("rucio_jupyterlab_requests_total{route=\"/rucio-jupyterlab/instances\",method=\"GET\",status=\"200\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("rucio_jupyterlab_requests_total{route=\"/rucio-jupyterlab/list-scopes\",method=\"GET\",status=\"404\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("rucio_jupyterlab_request_duration_seconds_count{route=\"/rucio-jupyterlab/instances\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("rucio_jupyterlab_request_duration_seconds_bucket{route=\"/rucio-jupyterlab/instances\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        var sum = Regex.Match(text, "rucio_jupyterlab_request_duration_seconds_sum\\{route=\"/rucio-jupyterlab/instances\"\\} (\\S+)\n");
        Assert.True(sum.Success);
        Assert.True(double.Parse(sum.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }
}
