using Rucio.JupyterLab.Server.Tests.Support;

namespace Rucio.JupyterLab.Server.Tests.Api;

/// <summary>The settings' file picker: home and Jupyter root only, whatever the path says.</summary>
public sealed class FileBrowserApiTests : IAsyncLifetime
{
    private readonly TempDirectory _outside = new();
    private readonly TempDirectory _jupyterRoot = new();
    private BackendHost _backend = null!;

    public async Task InitializeAsync()
    {
        _outside.WriteFile("secret.txt", "outside");
        _jupyterRoot.WriteFile("notebooks/analysis.ipynb", "{}");
        _backend = await BackendHost.StartAsync(null, extraArgs: ["--root-dir", _jupyterRoot.Path]);
        Directory.CreateDirectory(Path.Combine(_backend.Home, ".globus"));
        Directory.CreateDirectory(Path.Combine(_backend.Home, "certs"));
        File.WriteAllText(Path.Combine(_backend.Home, "certs", "usercert.pem"), "pem");
        File.WriteAllText(Path.Combine(_backend.Home, ".hidden"), "x");
        File.WriteAllText(Path.Combine(_backend.Home, "notes.txt"), "x");
        File.CreateSymbolicLink(Path.Combine(_backend.Home, "escape"), _outside.Path);
        File.CreateSymbolicLink(Path.Combine(_backend.Home, "to-root"), _jupyterRoot.Path);
        File.CreateSymbolicLink(Path.Combine(_backend.Home, "dangling"), Path.Combine(_backend.Home, "missing"));
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _outside.Dispose();
        _jupyterRoot.Dispose();
    }

    [Fact]
    public async Task HomeIsListedWithoutNamespaceDotfilesAndEscapingLinksHidden()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/file-browser");

        Assert.Equal(200, status);
        var entries = body!.AsArray().Select(e => ((string?)e!["type"], (string?)e["name"], (string?)e["path"])).ToList();
        Assert.Equal(
            [("dir", "certs", Path.Combine(_backend.Home, "certs")), ("dir", "to-root", Path.Combine(_backend.Home, "to-root")), ("file", "notes.txt", Path.Combine(_backend.Home, "notes.txt"))],
            entries);
    }

    [Theory]
    [InlineData("~/certs")]
    [InlineData("certs")]
    public async Task TildeAndRelativePathsStartAtHome(string path)
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/file-browser?path=" + Uri.EscapeDataString(path));

        Assert.Equal(200, status);
        Assert.Equal("usercert.pem", (string?)Assert.Single(body!.AsArray())!["name"]);
    }

    [Fact]
    public async Task JupyterRootIsAllowed()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/file-browser?path=" + Uri.EscapeDataString(_jupyterRoot.Path));

        Assert.Equal(200, status);
        Assert.Equal("notebooks", (string?)Assert.Single(body!.AsArray())!["name"]);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/")]
    [InlineData("..")]
    [InlineData("~/../..")]
    [InlineData("certs/../../..")]
    [InlineData("escape")]
    [InlineData("~/escape/")]
    public async Task TraversalAndLinksOutsideAreRefused(string path)
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/file-browser?path=" + Uri.EscapeDataString(path));

        Assert.Equal(403, status);
        Assert.False((bool)body!["success"]!);
        Assert.Contains("outside the folders you may browse", (string?)body["error"], StringComparison.Ordinal);
        Assert.DoesNotContain("secret.txt", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsidePathGivenAbsolutelyIsRefusedToo()
    {
        var (status, _) = await _backend.GetAsync("/rucio-jupyterlab/file-browser?path=" + Uri.EscapeDataString(_outside.Path));

        Assert.Equal(403, status);
    }

    [Fact]
    public async Task MissingDirectoryIsA404()
    {
        var (status, body) = await _backend.GetAsync("/rucio-jupyterlab/file-browser?path=does-not-exist");

        Assert.Equal(404, status);
        Assert.False((bool)body!["success"]!);
    }
}
