using System.Text.Json.Nodes;
using Rucio.DataLake.Core.Credentials;

namespace Rucio.DataLake.Core.State;

/// <summary>Saved credentials, one set per instance and method. Values are never logged by this class.</summary>
internal sealed class CredentialStore(StateDatabase database, TimeProvider time)
{
    public async Task<StoredCredentials?> GetAsync(string instance, AuthType type, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT params FROM credentials WHERE instance = $instance AND auth_type = $type;";
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$type", type.ToWireName());
        if (await command.ExecuteScalarAsync(cancellationToken) is not string json)
        {
            return null;
        }

        // A row that no longer parses (hand-edited, or from a newer version) counts as absent rather than failing.
        JsonObject? parameters;
        try
        {
            parameters = JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        return StoredCredentials.TryParse(type, parameters, out var credentials, out _) ? credentials : null;
    }

    public async Task SaveAsync(string instance, StoredCredentials credentials, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO credentials (instance, auth_type, params, updated_at) VALUES ($instance, $type, $params, $now)
            ON CONFLICT (instance, auth_type) DO UPDATE SET params = excluded.params, updated_at = excluded.updated_at;
            """;
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$type", credentials.Type.ToWireName());
        command.Parameters.AddWithValue("$params", credentials.ToStorageJson().ToJsonString());
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string instance, AuthType type, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM credentials WHERE instance = $instance AND auth_type = $type;";
        command.Parameters.AddWithValue("$instance", instance);
        command.Parameters.AddWithValue("$type", type.ToWireName());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
