using Rucio.DataLake.Core.Transfers;

namespace Rucio.DataLake.Cli.Tests.Support;

public static class Files
{
    /// <summary>Writes <paramref name="size"/> pseudo-random bytes (seeded: the same every run) and returns the path.</summary>
    public static string Write(string path, int size, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    internal static async Task<FileChecksum> ChecksumAsync(string path) => await Checksums.OfFileAsync(path, null, CancellationToken.None);

    /// <summary>Where the Sandbox keeps the replica of a DID on an RSE (Rucio's deterministic path).</summary>
    public static string ReplicaPath(SandboxHost sandbox, string rse, string scope, string name) =>
        Path.Combine(sandbox.RseDirectory(rse), StoragePaths.DeterministicPath(scope, name));

    public static IEnumerable<string> PartFiles(string root) =>
        Directory.Exists(root) ? Directory.EnumerateFiles(root, "*.part-*", SearchOption.AllDirectories) : [];
}
