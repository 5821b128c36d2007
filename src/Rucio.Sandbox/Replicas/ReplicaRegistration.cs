using System.Text.Json;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;
using Rucio.Sandbox.Rules;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Replicas;

/// <summary>POST /replicas (register files and replicas) and PUT /replicas (replica states).</summary>
internal sealed class ReplicaRegistration(SandboxDatabase database, RuleBookkeeping bookkeeping, TimeProvider time)
{
    public async Task RegisterAsync(Issuer issuer, string rse, JsonElement files, CancellationToken cancellationToken)
    {
        if (files.ValueKind != JsonValueKind.Array)
        {
            throw RucioException.InvalidObject("Problem validating files : 'files' must be a list");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var record = await RseStore.RequireAsync(connection, rse, cancellationToken);
        if (!Permissions.CanAddReplicas(issuer, rse))
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not add file replicas on {rse}");
        }

        var protocols = await RseStore.ProtocolsAsync(connection, record.Id, cancellationToken);
        var now = RucioTime.Now(time);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var item in files.EnumerateArray())
        {
            var file = new NewFile(
                Text(item, "scope") ?? throw RucioException.KeyError("scope"),
                Text(item, "name") ?? throw RucioException.KeyError("name"),
                item.TryGetProperty("bytes", out var bytes) ? JsonBody.AsLong(bytes, "bytes") : throw RucioException.KeyError("bytes"),
                Text(item, "adler32"),
                Text(item, "md5"),
                Text(item, "guid"),
                item.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                    ? meta.EnumerateObject().ToDictionary(p => p.Name, p => JsonBody.ToPlain(p.Value))
                    : null);
            if (Text(item, "pfn") is { } pfn && record.Deterministic)
            {
                var path = StorageLayout.DeterministicPath(file.Scope, file.Name);
                if (!protocols.Any(p => p.Pfn(path) == pfn))
                {
                    throw new RucioException(
                        StatusCodes.Status400BadRequest,
                        "InvalidPath",
                        $"One of the PFNs provided does not match the Rucio expected PFN : [{PythonRepr.Str(pfn)}] ([{{'scope': {PythonRepr.Str(file.Scope)}, 'name': {PythonRepr.Str(file.Name)}}}])");
                }
            }

            if (await DidStore.ScopeOwnerAsync(connection, file.Scope, cancellationToken) is null)
            {
                throw new RucioException(StatusCodes.Status404NotFound, "ScopeNotFound", "Scope not found!");
            }

            if (!await ReplicaStore.EnsureFileDidAsync(connection, file, issuer.Account, now, cancellationToken))
            {
                var existing = await DidStore.RequireAsync(connection, file.Scope, file.Name, cancellationToken);
                if (!existing.IsFile || existing.Bytes != file.Bytes || (file.Adler32 is not null && existing.Adler32 is not null && existing.Adler32 != file.Adler32))
                {
                    throw new RucioException(
                        StatusCodes.Status409Conflict,
                        "FileConsistencyMismatch",
                        $"Mismatch of bytes or checksum between the file {file.Scope}:{file.Name} and its replica registration");
                }
            }

            var state = ReplicaStates.Parse(Text(item, "state")) ?? ReplicaStates.Available;
            await ReplicaStore.AddReplicaAsync(connection, record, file, state, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpdateStatesAsync(Issuer issuer, string rse, JsonElement files, CancellationToken cancellationToken)
    {
        Permissions.RequireAdmin(issuer, "update replicas states");
        if (files.ValueKind != JsonValueKind.Array)
        {
            throw RucioException.InvalidObject("Problem validating files : 'files' must be a list");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var record = await RseStore.RequireAsync(connection, rse, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var item in files.EnumerateArray())
        {
            var scope = Text(item, "scope") ?? throw RucioException.KeyError("scope");
            var name = Text(item, "name") ?? throw RucioException.KeyError("name");
            var state = ReplicaStates.Parse(Text(item, "state"))
                ?? throw RucioException.InvalidObject($"'{Text(item, "state")}' is not a valid replica state");
            if (await connection.ScalarAsync("SELECT 1 FROM replicas WHERE scope = $s AND name = $n AND rse_id = $r", cancellationToken, ("$s", scope), ("$n", name), ("$r", record.Id)) is null)
            {
                throw new RucioException(StatusCodes.Status404NotFound, "ReplicaNotFound", $"No row found for {scope}:{name} on {rse}");
            }

            if (state == ReplicaStates.Available)
            {
                await bookkeeping.ReplicaAvailableAsync(connection, scope, name, record.Id, cancellationToken);
            }
            else
            {
                await connection.ExecuteAsync(
                    "UPDATE replicas SET state = $state, updated_at = $now WHERE scope = $s AND name = $n AND rse_id = $r",
                    cancellationToken,
                    ("$state", state), ("$now", RucioTime.Now(time)), ("$s", scope), ("$n", name), ("$r", record.Id));
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static string? Text(JsonElement item, string key)
        => item.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
