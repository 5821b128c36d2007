using Rucio.DataLake.Core.Configuration;

namespace Rucio.JupyterLab.Server.Hosting;

/// <summary>The validated command line of the backend (the contract with the Python bridge).</summary>
internal sealed record BackendOptions
{
    /// <summary>Unix socket to listen on (production, through the bridge); exclusive with <see cref="Urls"/>.</summary>
    public string? SocketPath { get; init; }

    /// <summary>HTTP URLs to listen on (development); exclusive with <see cref="SocketPath"/>.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>A JSON file holding a <c>RucioConfig</c> object (bare or under <c>"RucioConfig"</c>).</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Where the state database lives (0700 directory, 0600 files).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Jupyter's root directory; the file browser is confined to it and to the user's home.</summary>
    public string? RootDirectory { get; init; }

    /// <summary>Overrides <c>log_level</c> from the configuration when given.</summary>
    public ConfiguredLogLevel? LogLevel { get; init; }

    /// <summary>Download mode's root: files land in <c>&lt;root&gt;/&lt;instance&gt;/&lt;scope&gt;/&lt;name&gt;</c>.</summary>
    public required string DownloadDirectory { get; init; }

    /// <summary>Download jobs running at the same time.</summary>
    public int DownloadParallelism { get; init; } = 2;
}

/// <summary>A bad command line; the message is meant for the user (or the bridge's log) as is.</summary>
internal sealed class BackendOptionsException(string message) : Exception(message);
