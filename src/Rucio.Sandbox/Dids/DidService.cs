using System.Text.Json;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Replicas;
using Rucio.Sandbox.Rses;
using Rucio.Sandbox.Rules;

namespace Rucio.Sandbox.Dids;

/// <summary>Creates collections, attaches content and changes DID metadata and status.</summary>
internal sealed class DidService(SandboxDatabase database, RuleEngine rules, TimeProvider time)
{
    private static readonly string[] DidTypeEnum = ["DATASET", "CONTAINER", "FILE", "F"];

    public async Task AddCollectionAsync(Issuer issuer, string scope, string name, string? type, long? lifetime, IReadOnlyList<KeyValuePair<string, object?>> meta, CancellationToken cancellationToken)
    {
        if (type is null || !DidTypeEnum.Contains(type))
        {
            throw RucioException.InvalidObject(
                $"Problem validating did : {PythonRepr.Value(type)} is not one of ['DATASET', 'CONTAINER', 'FILE', 'F']\n\n"
                + "Failed validating 'enum' in schema['properties']['type']:\n    {'description': 'DID type',\n     'enum': ['DATASET', 'CONTAINER', 'FILE', 'F'],\n     'type': 'string'}\n\n"
                + $"On instance['type']:\n    {PythonRepr.Value(type)}");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var owner = await DidStore.ScopeOwnerAsync(connection, scope, cancellationToken);
        if (!issuer.IsAdmin && owner != issuer.Account)
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not add data identifier to scope {scope}");
        }

        if (owner is null)
        {
            throw new RucioException(StatusCodes.Status404NotFound, "ScopeNotFound", "Scope not found!");
        }

        if (type is "FILE" or "F")
        {
            throw new RucioException(StatusCodes.Status409Conflict, "UnsupportedOperation", "Only collection (dataset/container) can be registered.");
        }

        var values = ValidateMeta(scope, type, meta, await AllowedDatatypesAsync(connection, cancellationToken));
        var now = time.GetUtcNow();
        var code = type == "DATASET" ? DidTypes.Dataset : DidTypes.Container;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO dids (scope, name, did_type, account, is_open, expired_at, created_at, updated_at)
            VALUES ($s, $n, $t, $a, 1, $exp, $now, $now) ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            ("$s", scope),
            ("$n", name),
            ("$t", code),
            ("$a", issuer.Account),
            ("$exp", lifetime is null ? null : RucioTime.ToStorage(now.AddSeconds(lifetime.Value))),
            ("$now", RucioTime.ToStorage(now)));
        if (inserted == 0)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "DataIdentifierAlreadyExists", "Data Identifier already exists!");
        }

        foreach (var (key, value) in values)
        {
            await SetColumnAsync(connection, scope, name, key, value, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Attaches DIDs to a collection; with <paramref name="rse"/> unknown files are registered with a replica
    /// there first. Rules on the collection and its ancestors are applied to the new files at once (in Rucio the
    /// judge-evaluator does this moments later).
    /// </summary>
    public async Task AttachAsync(Issuer issuer, string scope, string name, IReadOnlyList<NewFile> children, string? rse, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parent = await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        var owner = await DidStore.ScopeOwnerAsync(connection, scope, cancellationToken);
        if (!issuer.IsAdmin && owner != issuer.Account)
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not add data identifiers to {scope}:{name}");
        }

        if (parent.IsFile)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "UnsupportedOperation", $"Data identifier '{scope}:{name}' is a file");
        }

        if (parent.IsOpen == false)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "UnsupportedOperation", $"Data identifier '{scope}:{name}' is closed");
        }

        var target = rse is null ? null : await RseStore.RequireAsync(connection, rse, cancellationToken);
        var now = RucioTime.Now(time);
        foreach (var child in children)
        {
            var existing = await DidStore.FindAsync(connection, child.Scope, child.Name, cancellationToken);
            if (existing is null && target is not null && parent.Type == DidTypes.Dataset)
            {
                await ReplicaStore.EnsureFileDidAsync(connection, child, issuer.Account, now, cancellationToken);
                await ReplicaStore.AddReplicaAsync(connection, target, child, ReplicaStates.Available, now, cancellationToken);
                existing = await DidStore.RequireAsync(connection, child.Scope, child.Name, cancellationToken);
            }

            if (existing is null)
            {
                throw RucioException.DidNotFound(child.Scope, child.Name);
            }

            await AddContentAsync(connection, parent, existing, now, cancellationToken);
        }

        await rules.ReevaluateWithAncestorsAsync(connection, scope, name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task DetachAsync(Issuer issuer, string scope, string name, IReadOnlyList<(string Scope, string Name)> children, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parent = await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        if (!issuer.IsAdmin && await DidStore.ScopeOwnerAsync(connection, scope, cancellationToken) != issuer.Account)
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not detach data identifiers from {scope}:{name}");
        }

        foreach (var (childScope, childName) in children)
        {
            var removed = await connection.ExecuteAsync(
                "DELETE FROM contents WHERE scope = $s AND name = $n AND child_scope = $cs AND child_name = $cn",
                cancellationToken,
                ("$s", parent.Scope),
                ("$n", parent.Name),
                ("$cs", childScope),
                ("$cn", childName));
            if (removed == 0)
            {
                throw RucioException.DidNotFound(childScope, childName);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SetMetadataAsync(string scope, string name, IReadOnlyList<KeyValuePair<string, object?>> meta, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        foreach (var (key, _) in meta)
        {
            if (!DidColumns.IsSettable(key))
            {
                throw new RucioException(StatusCodes.Status400BadRequest, "InvalidMetadata", $"No plugin manages metadata key {key} for DID {scope}:{name}");
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (key, value) in meta)
        {
            await SetColumnAsync(connection, scope, name, key, DidColumns.ToColumnValue(key, value), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Opens or closes a collection; closing fixes its length/bytes/events, as Rucio does.</summary>
    public async Task SetStatusAsync(Issuer issuer, string scope, string name, bool open, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var did = await DidStore.RequireAsync(connection, scope, name, cancellationToken);
        if (did.IsFile)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "UnsupportedOperation", $"The status of the data identifier '{scope}:{name}' cannot be changed");
        }

        if (!issuer.IsAdmin && (open || did.Account != issuer.Account))
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not set status on data identifier {scope}:{name}");
        }

        var now = RucioTime.Now(time);
        if (open)
        {
            await connection.ExecuteAsync("UPDATE dids SET is_open = 1, updated_at = $now WHERE scope = $s AND name = $n", cancellationToken, ("$now", now), ("$s", scope), ("$n", name));
            return;
        }

        await connection.ExecuteAsync(
            """
            UPDATE dids SET is_open = 0, closed_at = $now, updated_at = $now,
                length = (SELECT COUNT(*) FROM contents WHERE scope = $s AND name = $n),
                bytes = (SELECT SUM(d.bytes) FROM contents c JOIN dids d ON d.scope = c.child_scope AND d.name = c.child_name WHERE c.scope = $s AND c.name = $n),
                events = (SELECT SUM(d.events) FROM contents c JOIN dids d ON d.scope = c.child_scope AND d.name = c.child_name WHERE c.scope = $s AND c.name = $n)
            WHERE scope = $s AND name = $n
            """,
            cancellationToken,
            ("$now", now),
            ("$s", scope),
            ("$n", name));
    }

    /// <summary>Parses the "dids" array of an attach body into files (with optional bytes/checksums).</summary>
    public static List<NewFile> ParseChildren(JsonElement dids)
    {
        if (dids.ValueKind != JsonValueKind.Array)
        {
            throw RucioException.InvalidObject("Problem validating dids : 'dids' must be a list");
        }

        return dids.EnumerateArray().Select(item => new NewFile(
            Property(item, "scope") ?? throw RucioException.KeyError("scope"),
            Property(item, "name") ?? throw RucioException.KeyError("name"),
            item.TryGetProperty("bytes", out var bytes) && bytes.ValueKind == JsonValueKind.Number ? bytes.GetInt64() : 0,
            Property(item, "adler32"),
            Property(item, "md5"),
            Property(item, "guid"))).ToList();
    }

    private static string? Property(JsonElement item, string key)
        => item.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// Links a child; like Rucio, the child's size and checksums are copied into the content row as they are now
    /// (a dataset attached while open keeps null bytes in its parent's listing).
    /// </summary>
    private static async Task AddContentAsync(SqliteConnection connection, DidRecord parent, DidRecord child, string now, CancellationToken cancellationToken)
    {
        if (parent.Type == DidTypes.Dataset && !child.IsFile)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "UnsupportedOperation", $"Data identifier '{child.Scope}:{child.Name}' is not a file and cannot be attached to a dataset");
        }

        if (parent.Type == DidTypes.Container && (child.IsFile || (child.Scope == parent.Scope && child.Name == parent.Name)))
        {
            throw new RucioException(StatusCodes.Status409Conflict, "UnsupportedOperation", $"Data identifier '{child.Scope}:{child.Name}' cannot be attached to container '{parent.Scope}:{parent.Name}'");
        }

        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO contents (scope, name, child_scope, child_name, did_type, child_type, bytes, adler32, md5, created_at)
            VALUES ($s, $n, $cs, $cn, $t, $ct, $b, $adler, $md5, $now) ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            ("$b", child.Bytes),
            ("$adler", child.Adler32),
            ("$md5", child.Md5),
            ("$s", parent.Scope),
            ("$n", parent.Name),
            ("$cs", child.Scope),
            ("$cn", child.Name),
            ("$t", parent.Type),
            ("$ct", child.Type),
            ("$now", now));
        if (inserted == 0)
        {
            // The message is the database error Rucio 1.31 lets through (see transcript 13g).
            throw child.IsFile
                ? new RucioException(StatusCodes.Status409Conflict, "FileAlreadyExists", "('(sqlite3.IntegrityError) UNIQUE constraint failed: contents.scope, contents.name, contents.child_scope, contents.child_name',)")
                : new RucioException(StatusCodes.Status409Conflict, "DuplicateContent", "Duplicate content: the data identifier is already attached");
        }
    }

    private static Task SetColumnAsync(SqliteConnection connection, string scope, string name, string key, object? value, CancellationToken cancellationToken)
        => connection.ExecuteAsync($"UPDATE dids SET {key} = $v WHERE scope = $s AND name = $n", cancellationToken, ("$v", value), ("$s", scope), ("$n", name));

    private static async Task<HashSet<string>> AllowedDatatypesAsync(SqliteConnection connection, CancellationToken cancellationToken)
        => (await connection.ListAsync("SELECT value FROM did_key_values WHERE key = 'datatype'", r => r.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Rucio's naming convention (project follows a user./group. scope) and datatype validation.</summary>
    private static List<KeyValuePair<string, object?>> ValidateMeta(string scope, string type, IReadOnlyList<KeyValuePair<string, object?>> meta, HashSet<string> allowedDatatypes)
    {
        var result = new List<KeyValuePair<string, object?>>();
        string? conventionProject = scope.StartsWith("user", StringComparison.Ordinal) ? "user" : scope.StartsWith("group", StringComparison.Ordinal) ? "group" : null;
        foreach (var (key, value) in meta)
        {
            if (key == "project" && conventionProject is not null && !Equals(value as string, conventionProject))
            {
                throw RucioException.InvalidObject($"Provided metadata project doesn't match the naming convention: {value} != {conventionProject}");
            }

            if (key == "datatype" && type == "DATASET" && (value is not string datatype || !allowedDatatypes.Contains(datatype)))
            {
                throw RucioException.InvalidObject($"The value '{value}' for the key 'datatype' is not valid");
            }

            if (!DidColumns.IsSettable(key))
            {
                throw new RucioException(StatusCodes.Status400BadRequest, "InvalidMetadata", $"No plugin manages metadata key {key}");
            }

            result.Add(new(key, DidColumns.ToColumnValue(key, value)));
        }

        if (conventionProject is not null && !result.Any(kv => kv.Key == "project"))
        {
            result.Add(new("project", conventionProject));
        }

        return result;
    }
}
