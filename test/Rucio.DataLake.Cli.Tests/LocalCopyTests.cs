using Rucio.DataLake.Cli.Tests.Support;
using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests;

/// <summary>The one-pass verified copy used for mounted storage: checksum of the written bytes, part file, rename.</summary>
public sealed class LocalCopyTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("datalake-copy-").FullName;

    [Fact]
    public async Task Staged_copy_has_the_source_checksums_stays_hidden_until_published()
    {
        var source = Files.Write(Path.Combine(_work, "src", "big.dat"), (9 << 20) + 17, seed: 50);
        var expected = await Files.ChecksumAsync(source);
        var final = Path.Combine(_work, "rse", "user", "root", "ab", "cd", "big.dat");
        long reported = 0;
        var meter = new TransferMeter(new ProgressTracker(1, expected.Bytes, new CallbackProgress(p => reported = p.BytesDone)), null);

        var staged = await LocalCopy.StageAsync(source, final, meter, CancellationToken.None);

        Assert.Equal(expected, staged.Checksum);
        Assert.Equal(expected.Bytes, reported);
        Assert.False(File.Exists(final));
        Assert.StartsWith(".big.dat.part-", Path.GetFileName(staged.PartPath), StringComparison.Ordinal);
        Assert.Equal(expected, await Files.ChecksumAsync(staged.PartPath));

        LocalCopy.Publish(staged);

        Assert.Equal(expected, await Files.ChecksumAsync(final));
        Assert.Empty(Files.PartFiles(Path.GetDirectoryName(final)!));
    }

    [Fact]
    public async Task A_source_written_to_during_the_copy_is_refused_and_leaves_no_part()
    {
        var source = Files.Write(Path.Combine(_work, "src", "growing.log"), 6 << 20, seed: 51);
        var final = Path.Combine(_work, "rse", "growing.log");
        var appended = false;

        // The first progress report comes after the first chunk: the writer appends to the file at that moment.
        var meter = new TransferMeter(new ProgressTracker(1, 6 << 20, new CallbackProgress(_ =>
        {
            if (!appended)
            {
                appended = true;
                File.AppendAllText(source, "one more line\n");
            }
        })), null);

        var refused = await Assert.ThrowsAsync<TransferException>(() => LocalCopy.StageAsync(source, final, meter, CancellationToken.None));

        Assert.True(appended);
        Assert.Equal(TransferFailure.ChecksumMismatch, refused.Failure);
        Assert.Contains("changed while it was being uploaded", refused.Message);
        Assert.Empty(Files.PartFiles(Path.Combine(_work, "rse")));
        Assert.False(File.Exists(final));
    }

    [Fact]
    public async Task A_leftover_part_of_a_killed_attempt_is_overwritten_by_the_retry()
    {
        var source = Files.Write(Path.Combine(_work, "src", "retry.dat"), 300_000, seed: 52);
        var final = Path.Combine(_work, "rse", "retry.dat");
        var leftover = StoragePaths.PartPath(final, "upload");
        Files.Write(leftover, 1_000_000, seed: 53);

        var staged = await LocalCopy.StageAsync(source, final, new TransferMeter(new ProgressTracker(1, 300_000, null), null), CancellationToken.None);
        LocalCopy.Publish(staged);

        Assert.Equal(leftover, staged.PartPath);
        Assert.Equal(await Files.ChecksumAsync(source), await Files.ChecksumAsync(final));
        Assert.Empty(Files.PartFiles(Path.Combine(_work, "rse")));
    }

    [Fact]
    public async Task File_protocol_upload_with_a_wrong_expected_checksum_publishes_nothing()
    {
        var source = Files.Write(Path.Combine(_work, "src", "wrong.dat"), 100_000, seed: 54);
        var checksum = await Files.ChecksumAsync(source);
        var final = Path.Combine(_work, "rse", "wrong.dat");

        var refused = await Assert.ThrowsAsync<TransferException>(() => new FileStorageProtocol().UploadAsync(
            source, "file://" + final, checksum with { Adler32 = "00000001" }, new TransferMeter(new ProgressTracker(1, 100_000, null), null), CancellationToken.None));

        Assert.Equal(TransferFailure.ChecksumMismatch, refused.Failure);
        Assert.False(File.Exists(final));
        Assert.Empty(Files.PartFiles(Path.Combine(_work, "rse")));
    }

    [Fact]
    public void Directory_flush_accepts_existing_directories_and_reports_missing_ones()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_work, "durable")).FullName;

        LocalFiles.SyncDirectories([directory, directory, _work]);

        Assert.Throws<IOException>(() => LocalFiles.SyncDirectories([Path.Combine(_work, "missing")]));
    }

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
