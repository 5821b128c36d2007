namespace Rucio.DataLake.Core.State;

/// <summary>
/// A key-value cache with expiry in the state database, partitioned by instance and kind (for example replica
/// status or file lists). Expired entries are never returned and are removed by <see cref="RemoveExpiredAsync"/>.
/// </summary>
internal sealed class CacheStore(StateDatabase database, TimeProvider time)
{
    public async Task<byte[]?> GetAsync(string instance, string kind, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT value FROM cache_entries WHERE instance = $instance AND kind = $kind AND key = $key AND expires_at > $now;";
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task SetAsync(string instance, string kind, string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO cache_entries (instance, kind, key, value, expires_at) VALUES ($instance, $kind, $key, $value, $expires)
            ON CONFLICT (instance, kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at;
            """;
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$expires", (time.GetUtcNow() + timeToLive).ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes every entry, or only those of <paramref name="instance"/>; returns how many were removed.</summary>
    public async Task<int> PurgeAsync(string? instance, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = instance is null
            ? "DELETE FROM cache_entries;"
            : "DELETE FROM cache_entries WHERE instance = $instance;";
        if (instance is not null)
        {
            command.Parameters.AddWithValue("$instance", instance);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes one kind of entries of one instance (e.g. every cached status after a new rule).</summary>
    public async Task<int> PurgeKindAsync(string instance, string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM cache_entries WHERE instance = $instance AND kind = $kind;";
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$kind", kind);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM cache_entries WHERE expires_at <= $now;";
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
