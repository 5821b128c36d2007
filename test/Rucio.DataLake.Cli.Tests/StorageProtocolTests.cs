using Rucio.DataLake.Cli.Tests.Support;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>The davs/https and root protocols against real servers (nginx WebDAV, xrootd) started by each test.</summary>
public sealed class StorageProtocolTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-protocols-").FullName;

    [Fact]
    public async Task WebDav_upload_goes_through_a_temporary_name_creates_collections_and_reads_back_with_resume()
    {
        await using var nginx = await StorageServer.StartNginxWebDavAsync();
        var source = Files.Write(Path.Combine(_work, "source.dat"), 3_000_000, seed: 30);
        var checksum = await Files.ChecksumAsync(source);
        using var protocols = new StorageProtocols(new StorageAccessOptions(), TimeProvider.System);
        var pfn = $"dav://127.0.0.1:{nginx.Port}/user/root/ab/cd/source.dat";
        var protocol = protocols.ForPfn(pfn);

        await protocol.UploadAsync(source, pfn, checksum, Meter(checksum.Bytes), CancellationToken.None);

        var stored = Path.Combine(nginx.DataRoot, "user", "root", "ab", "cd", "source.dat");
        Assert.Equal(checksum, await Files.ChecksumAsync(stored));
        Assert.Equal(["source.dat"], Directory.GetFiles(Path.GetDirectoryName(stored)!).Select(Path.GetFileName));
        Assert.Equal(checksum.Bytes, await protocol.GetSizeAsync(pfn, CancellationToken.None));

        var part = Path.Combine(_work, ".copy.part-x");
        await File.WriteAllBytesAsync(part, (await File.ReadAllBytesAsync(source))[..1_234_567]);
        await protocol.DownloadAsync(pfn, part, Meter(checksum.Bytes), CancellationToken.None);
        Assert.Equal(checksum, await Files.ChecksumAsync(part));

        await protocol.DeleteAsync(pfn, CancellationToken.None);
        Assert.Null(await protocol.GetSizeAsync(pfn, CancellationToken.None));
    }

    [Fact]
    public async Task Xrootd_upload_is_checksummed_end_to_end_and_downloads_back()
    {
        await using var xrootd = await StorageServer.StartXrootdAsync();
        var source = Files.Write(Path.Combine(_work, "event.root"), 1_500_000, seed: 31);
        var checksum = await Files.ChecksumAsync(source);
        using var protocols = new StorageProtocols(new StorageAccessOptions(), TimeProvider.System);
        var pfn = $"root://127.0.0.1:{xrootd.Port}//user/root/12/34/event.root";
        var protocol = protocols.ForPfn(pfn);

        await protocol.UploadAsync(source, pfn, checksum, Meter(checksum.Bytes), CancellationToken.None);

        Assert.Equal(checksum, await Files.ChecksumAsync(Path.Combine(xrootd.DataRoot, "user", "root", "12", "34", "event.root")));
        Assert.Equal(checksum.Bytes, await protocol.GetSizeAsync(pfn, CancellationToken.None));
        var part = Path.Combine(_work, ".back.part-x");
        await protocol.DownloadAsync(pfn, part, Meter(checksum.Bytes), CancellationToken.None);
        Assert.Equal(checksum, await Files.ChecksumAsync(part));

        var wrong = checksum with { Adler32 = "00000001" };
        var refused = await Assert.ThrowsAsync<TransferException>(() => protocol.UploadAsync(source, pfn + ".bad", wrong, Meter(checksum.Bytes), CancellationToken.None));
        Assert.Equal(TransferFailure.ChecksumMismatch, refused.Failure);
        Assert.Null(await protocol.GetSizeAsync(pfn + ".bad", CancellationToken.None));

        await protocol.DeleteAsync(pfn, CancellationToken.None);
        Assert.Null(await protocol.GetSizeAsync(pfn, CancellationToken.None));
    }

    private static TransferMeter Meter(long total) => new(new ProgressTracker(1, total, null), null);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
