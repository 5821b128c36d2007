namespace Rucio.Sandbox.Infrastructure;

/// <summary>Validated command-line options of the Sandbox.</summary>
internal sealed record SandboxOptions
{
    public required IReadOnlyList<string> Urls { get; init; }
    public required string DataDirectory { get; init; }
    public bool SeedDemo { get; init; }
    public int SeedLargeCount { get; init; }
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan TransferDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Bytes per second; 0 means unlimited.</summary>
    public long TransferBandwidth { get; init; }

    /// <summary>File-name glob whose transfers fail (lock STUCK); null when none.</summary>
    public string? TransferFailGlob { get; init; }

    public string? TlsCertificatePath { get; init; }
    public string? TlsKeyPath { get; init; }
    public string? TlsClientCaPath { get; init; }

    public bool TlsEnabled => TlsCertificatePath is not null;

    public string DatabasePath => Path.Combine(DataDirectory, "sandbox.db");
    public string RseRootDirectory => Path.Combine(DataDirectory, "rses");
}

/// <summary>A bad command line; the message is meant for the user as is.</summary>
internal sealed class SandboxOptionsException(string message) : Exception(message);
