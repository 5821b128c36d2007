using Rucio.DataLake.Core.Credentials;

namespace Rucio.DataLake.Core.State;

/// <summary>The user's choices: the active instance, and the authentication method of each instance.</summary>
internal sealed class SettingsStore(StateDatabase database, TimeProvider time)
{
    private const string ActiveInstanceKey = "active_instance";

    public async Task<string?> GetActiveInstanceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM settings WHERE key = $key;";
        command.Parameters.AddWithValue("$key", ActiveInstanceKey);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The method the user picked for <paramref name="instance"/>, or null when none was picked yet.</summary>
    public async Task<AuthType?> GetAuthTypeAsync(string instance, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT auth_type FROM instance_auth WHERE instance = $instance;";
        command.Parameters.AddWithValue("$instance", instance);
        return await command.ExecuteScalarAsync(cancellationToken) is string text && AuthTypeNames.TryParse(text, out var type)
            ? type
            : null;
    }

    /// <summary>Makes <paramref name="instance"/> active and, when given, records its method; one transaction.</summary>
    public async Task SelectAsync(string instance, AuthType? authType, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
            command.Parameters.AddWithValue("$key", ActiveInstanceKey);
            command.Parameters.AddWithValue("$value", instance);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (authType is { } type)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                """
                INSERT INTO instance_auth (instance, auth_type, updated_at) VALUES ($instance, $type, $now)
                ON CONFLICT (instance) DO UPDATE SET auth_type = excluded.auth_type, updated_at = excluded.updated_at;
                """;
            command.Parameters.AddWithValue("$instance", instance);
            command.Parameters.AddWithValue("$type", type.ToWireName());
            command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeSeconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
