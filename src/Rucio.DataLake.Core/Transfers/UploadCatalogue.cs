using Rucio.Client;

namespace Rucio.DataLake.Core.Transfers;

/// <summary>What Rucio knows about a DID before its upload: the file's size and checksums, and its replicas' states.</summary>
internal sealed record KnownFile(long? Bytes, string? Adler32, string? Md5, IReadOnlyDictionary<string, ReplicaState> States, IReadOnlyDictionary<string, IReadOnlyList<string>> Pfns);

/// <summary>
/// The catalogue checks of an upload, with as few requests as possible: one <c>POST /replicas/list</c> (all states) for
/// every DID of the upload answers "does it exist, with which content, and is it already on the RSE" for all files
/// that have a replica anywhere; only the DIDs it does not list need a <c>GET /dids</c> each (a 404 for new files).
/// </summary>
internal sealed class UploadCatalogue(RucioClient client)
{
    // Keeps each listing request body and the server's query reasonably small.
    private const int ListingChunk = 500;

    private readonly Dictionary<Did, KnownFile> _listed = [];

    /// <summary>Lists every DID of the upload at once; call before <see cref="LookupAsync"/>.</summary>
    public async Task LoadAsync(IReadOnlyList<Did> dids, CancellationToken cancellationToken)
    {
        foreach (var chunk in dids.Distinct().Chunk(ListingChunk))
        {
            var wanted = chunk.ToHashSet();
            await foreach (var replica in client.Replicas.ListAsync(new ReplicaListRequest { Dids = chunk, AllStates = true }, cancellationToken))
            {
                // A collection of the same name would be expanded into its files, which carry other names.
                if (wanted.Contains(replica.Did))
                {
                    _listed[replica.Did] = new KnownFile(replica.Bytes, replica.Adler32, replica.Md5, replica.States, replica.Rses);
                }
            }
        }
    }

    /// <summary>
    /// The existing file DID, or null when the DID does not exist. A DID that exists as a dataset or container is a
    /// conflict.
    /// </summary>
    public async Task<KnownFile?> LookupAsync(Did did, CancellationToken cancellationToken)
    {
        if (_listed.TryGetValue(did, out var known))
        {
            return known;
        }

        DidDetails existing;
        try
        {
            existing = await client.Dids.GetAsync(did, cancellationToken: cancellationToken);
        }
        catch (RucioException ex) when (ex.Status == 404)
        {
            return null;
        }

        if (existing.Type != DidType.File)
        {
            throw new TransferException(TransferFailure.DidConflict, $"{did} already exists in Rucio as a {existing.Type.ToString().ToLowerInvariant()}, not a file.");
        }

        return new KnownFile(existing.Bytes, existing.Adler32, existing.Md5, new Dictionary<string, ReplicaState>(), new Dictionary<string, IReadOnlyList<string>>());
    }

    /// <summary>Fails early, before any byte is read, when the sizes already differ.</summary>
    public static void RequireSameSize(Did did, KnownFile? known, long localBytes)
    {
        if (known?.Bytes is { } bytes && bytes != localBytes)
        {
            throw Conflict(did, known, new FileChecksum(localBytes, "-", null));
        }
    }

    /// <summary>An existing DID must have the same size and checksum; anything else is a clear conflict.</summary>
    public static void RequireSameContent(Did did, KnownFile? known, FileChecksum checksum)
    {
        if (known is not null && !checksum.Matches(known.Bytes, known.Adler32, known.Md5))
        {
            throw Conflict(did, known, checksum);
        }
    }

    /// <summary>The PFN of an AVAILABLE replica on <paramref name="rse"/>; throws when one exists in another state.</summary>
    public static string? AvailableReplica(Did did, KnownFile? known, string rse)
    {
        if (known is null || !known.States.TryGetValue(rse, out var state))
        {
            return null;
        }

        return state == ReplicaState.Available
            ? known.Pfns.GetValueOrDefault(rse)?.FirstOrDefault() ?? string.Empty
            : throw new TransferException(TransferFailure.DidConflict, $"{did} already has a replica on {rse} in state {state.ToString().ToUpperInvariant()}; try again once Rucio has finished with it.");
    }

    private static TransferException Conflict(Did did, KnownFile known, FileChecksum local) => new(TransferFailure.DidConflict,
        $"{did} already exists in Rucio with different content ({known.Bytes} bytes, adler32 {known.Adler32 ?? "-"}; this file: {local.Bytes} bytes, adler32 {local.Adler32}). Choose another name or --prefix.");
}
