using System.Diagnostics;
using System.Globalization;
using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>
/// <c>root://</c> storage through the xrootd client tools (Debian package <c>xrootd-client</c>): <c>xrdcp</c> copies
/// with an end-to-end adler32 check, <c>xrdfs</c> stats, checksums and deletes. Uploads use <c>--posc</c> (persist on
/// successful close), xrootd's equivalent of a temporary name. Credentials travel in the child's environment
/// (<c>X509_USER_PROXY</c>, <c>BEARER_TOKEN</c>), never on its command line.
/// </summary>
internal sealed class XrootdStorageProtocol(StorageAccessOptions options) : IStorageProtocol
{
    public IReadOnlyList<string> Schemes { get; } = ["root", "roots"];

    public bool CanUse(RseProtocol protocol, out string? reason)
    {
        if (Tool("xrdcp") is not null)
        {
            reason = null;
            return true;
        }

        reason = "xrdcp is not installed (Debian package xrootd-client)";
        return false;
    }

    public async Task DownloadAsync(string pfn, string partPath, TransferMeter meter, CancellationToken cancellationToken)
    {
        // xrdcp cannot append to a part, so a root:// download always starts over.
        LocalFiles.DeleteQuietly(partPath);
        Directory.CreateDirectory(Path.GetDirectoryName(partPath)!);
        meter.Reset(0);
        await RunAsync("xrdcp", ["--force", "--nopbar", pfn, partPath], pfn, cancellationToken);
        var length = LocalFiles.LengthOrMissing(partPath);
        meter.Reset(Math.Max(0, length));
        await using var written = new FileStream(partPath, FileMode.Open, FileAccess.Write);
        LocalFiles.FlushToDisk(written);
    }

    public async Task UploadAsync(string sourcePath, string pfn, FileChecksum checksum, TransferMeter meter, CancellationToken cancellationToken)
    {
        if (!File.Exists(sourcePath))
        {
            throw new TransferException(TransferFailure.SourceMissing, $"'{sourcePath}' does not exist.");
        }

        meter.Reset(0);
        try
        {
            await RunAsync("xrdcp", ["--force", "--posc", "--path", "--nopbar", "--cksum", $"adler32:{checksum.Adler32}", sourcePath, pfn], pfn, cancellationToken);
        }
        catch (Exception ex) when (ex is TransferException or OperationCanceledException)
        {
            // --posc removes a file whose transfer failed, but not one whose checksum was found wrong after close.
            await DeleteQuietlyAsync(pfn);
            throw;
        }

        meter.Reset(checksum.Bytes);
        var size = await GetSizeAsync(pfn, cancellationToken);
        var adler32 = await QueryChecksumAsync(pfn, cancellationToken);
        if (size != checksum.Bytes || (adler32 is not null && Checksums.NormalizeAdler32(adler32) != checksum.Adler32))
        {
            await DeleteAsync(pfn, cancellationToken);
            throw new TransferException(TransferFailure.ChecksumMismatch,
                $"The storage reports {size} bytes and adler32 {adler32 ?? "?"} for {pfn}, expected {checksum.Bytes} and {checksum.Adler32}; the upload was removed.");
        }
    }

    public async Task<long?> GetSizeAsync(string pfn, CancellationToken cancellationToken)
    {
        var (host, path) = Split(pfn);
        var result = await RunAsync("xrdfs", [host, "stat", path], pfn, cancellationToken, allowFailure: true);
        if (result.ExitCode != 0)
        {
            return result.Error.Contains("No such file", StringComparison.OrdinalIgnoreCase) || result.Error.Contains("[3011]", StringComparison.Ordinal)
                ? null
                : throw Failure("checking", pfn, result);
        }

        foreach (var line in result.Output.Split('\n'))
        {
            var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0] == "Size" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                return size;
            }
        }

        throw new TransferException(TransferFailure.StorageError, $"xrdfs stat gave no size for {pfn}.");
    }

    public async Task DeleteAsync(string pfn, CancellationToken cancellationToken)
    {
        var (host, path) = Split(pfn);
        var result = await RunAsync("xrdfs", [host, "rm", path], pfn, cancellationToken, allowFailure: true);
        if (result.ExitCode != 0 && !result.Error.Contains("No such file", StringComparison.OrdinalIgnoreCase) && !result.Error.Contains("[3011]", StringComparison.Ordinal))
        {
            throw Failure("deleting", pfn, result);
        }
    }

    private async Task DeleteQuietlyAsync(string pfn)
    {
        try
        {
            await DeleteAsync(pfn, CancellationToken.None);
        }
        catch (TransferException)
        {
            // The upload's own error is the one to report.
        }
    }

    /// <summary><c>root://host:port//path</c> → ("root://host:port", "/path").</summary>
    internal static (string Host, string Path) Split(string pfn)
    {
        var uri = new Uri(pfn);
        var path = "/" + uri.AbsolutePath.TrimStart('/');
        return ($"{uri.Scheme}://{uri.Authority}", Uri.UnescapeDataString(path));
    }

    private async Task<string?> QueryChecksumAsync(string pfn, CancellationToken cancellationToken)
    {
        var (host, path) = Split(pfn);
        var result = await RunAsync("xrdfs", [host, "query", "checksum", path], pfn, cancellationToken, allowFailure: true);

        // "adler32 0a1b2c3d"; servers without checksum support fail, and then only the size is compared (xrdcp
        // already compared the checksum end to end).
        var words = result.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return result.ExitCode == 0 && words.Length >= 2 && words[0] == "adler32" ? words[1] : null;
    }

    private string? Tool(string name)
    {
        var directories = options.XrootdToolDirectory is { } configured
            ? [configured]
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    private async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, string pfn, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var path = Tool(tool) ?? throw new TransferException(TransferFailure.ToolMissing, $"{tool} is needed for {pfn} but is not installed (Debian package xrootd-client).");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (options.ProxyPath is { } proxy)
        {
            start.Environment["X509_USER_PROXY"] = proxy;
        }
        else if (options.ClientCertificatePath is { } certificate)
        {
            start.Environment["X509_USER_CERT"] = certificate;
            start.Environment["X509_USER_KEY"] = options.ClientKeyPath ?? certificate;
        }

        if (options.BearerToken is { } tokenSource && await tokenSource(new Uri(pfn), cancellationToken) is { Length: > 0 } token)
        {
            start.Environment["BEARER_TOKEN"] = token;
        }

        using var process = Process.Start(start) ?? throw new TransferException(TransferFailure.ToolMissing, $"{tool} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var result = new ToolResult(process.ExitCode, await output, await error);
        return result.ExitCode == 0 || allowFailure ? result : throw Failure(tool == "xrdcp" ? "copying" : "accessing", pfn, result);
    }

    private static TransferException Failure(string action, string pfn, ToolResult result)
    {
        var detail = result.Error.Trim().Split('\n').LastOrDefault()?.Trim() ?? string.Empty;
        var failure = detail.Contains("No space left", StringComparison.OrdinalIgnoreCase) ? TransferFailure.DiskFull
            : detail.Contains("checksum", StringComparison.OrdinalIgnoreCase) ? TransferFailure.ChecksumMismatch
            : TransferFailure.StorageError;
        return new TransferException(failure, $"xrootd failed {action} {pfn} (exit {result.ExitCode}): {detail}");
    }

    private sealed record ToolResult(int ExitCode, string Output, string Error);
}
