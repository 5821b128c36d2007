using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>How this machine reaches storage: trust, identity and limits, shared by every protocol.</summary>
internal sealed record StorageAccessOptions
{
    /// <summary>A PEM bundle trusted in addition to the system roots (grid CAs), as for Rucio itself.</summary>
    public string? CaBundlePath { get; init; }

    /// <summary>An X.509 client certificate (PEM) presented to HTTPS storage; with <see cref="ClientKeyPath"/> or a combined file.</summary>
    public string? ClientCertificatePath { get; init; }

    public string? ClientKeyPath { get; init; }

    /// <summary>An X.509 proxy (certificate, key and chain in one PEM), preferred over the certificate when set.</summary>
    public string? ProxyPath { get; init; }

    /// <summary>
    /// Supplies a bearer token for the storage at the given URL (sent as <c>Authorization: Bearer</c>, or as
    /// <c>BEARER_TOKEN</c> to xrootd tools), or null for none. It sees the URL so it can refuse to hand a token to a
    /// storage that should not receive it.
    /// </summary>
    public Func<Uri, CancellationToken, Task<string?>>? BearerToken { get; init; }

    /// <summary>Upload rate cap in bytes per second shared by all files of a transfer; 0 = unlimited.</summary>
    public long MaxBytesPerSecond { get; init; }

    /// <summary>Longest wait for the next bytes of an HTTP transfer before it is failed.</summary>
    public TimeSpan HttpIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Where xrdcp and xrdfs are looked up; null means PATH.</summary>
    public string? XrootdToolDirectory { get; init; }
}

/// <summary>Reads and writes files on storage with one family of URL schemes.</summary>
internal interface IStorageProtocol
{
    /// <summary>Schemes handled (lower case), e.g. <c>https</c>, <c>davs</c>.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>Whether this machine can use the RSE protocol now (mounted prefix, installed tool); why not otherwise.</summary>
    bool CanUse(RseProtocol protocol, out string? reason);

    /// <summary>
    /// Copies the file at <paramref name="pfn"/> into <paramref name="partPath"/>, continuing after the bytes already
    /// there when the storage supports it (otherwise starting over), and flushes it to disk.
    /// </summary>
    Task DownloadAsync(string pfn, string partPath, TransferMeter meter, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="sourcePath"/> to <paramref name="pfn"/> (through a temporary name where the protocol
    /// allows), then checks size and checksum on the storage; a failed check removes the written file.
    /// </summary>
    Task UploadAsync(string sourcePath, string pfn, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken);

    /// <summary>Size of the file at <paramref name="pfn"/>, or null when it does not exist.</summary>
    Task<long?> GetSizeAsync(string pfn, CancellationToken cancellationToken);

    /// <summary>Removes the file at <paramref name="pfn"/>; a missing file is not an error.</summary>
    Task DeleteAsync(string pfn, CancellationToken cancellationToken);
}

/// <summary>The protocols this machine supports, in the order they are preferred (local files, then HTTP, then xrootd).</summary>
internal sealed class StorageProtocols : IDisposable
{
    private readonly HttpStorageProtocol _http;

    public StorageProtocols(StorageAccessOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
        _http = new HttpStorageProtocol(options);
        All = [new FileStorageProtocol(), _http, new XrootdStorageProtocol(options)];
    }

    public StorageAccessOptions Options { get; }

    public TimeProvider Time { get; }

    public IReadOnlyList<IStorageProtocol> All { get; }

    /// <summary>Every scheme some protocol handles, for <c>schemes</c> in replica listings.</summary>
    public IReadOnlyList<string> Schemes => [.. All.SelectMany(p => p.Schemes)];

    /// <summary>Preference rank of a scheme (lower is better); int.MaxValue when unsupported.</summary>
    public int Rank(string scheme)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i].Schemes.Contains(scheme.ToLowerInvariant()))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    public IStorageProtocol? For(string scheme) =>
        All.FirstOrDefault(p => p.Schemes.Contains(scheme.ToLowerInvariant()));

    public IStorageProtocol ForPfn(string pfn)
    {
        var scheme = pfn[..Math.Max(0, pfn.IndexOf("://", StringComparison.Ordinal))];
        return For(scheme) ?? throw new TransferException(TransferFailure.NoUsableReplica, $"No supported protocol for the scheme '{scheme}'.");
    }

    public BandwidthLimiter? CreateLimiter() =>
        Options.MaxBytesPerSecond > 0 ? new BandwidthLimiter(Options.MaxBytesPerSecond, Time) : null;

    public void Dispose() => _http.Dispose();
}
