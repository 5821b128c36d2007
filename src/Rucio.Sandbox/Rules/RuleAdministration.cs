using System.Text.Json;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Infrastructure;

namespace Rucio.Sandbox.Rules;

/// <summary>PUT /rules/{id} options and the soft DELETE.</summary>
internal sealed class RuleAdministration(SandboxDatabase database, TimeProvider time)
{
    /// <summary>Rucio's soft delete keeps the rule readable for an hour before judge-cleaner removes it.</summary>
    private static readonly TimeSpan SoftDeleteGrace = TimeSpan.FromHours(1);

    public async Task UpdateAsync(Issuer issuer, string id, JsonElement options, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var owner = await RequireOwnerAsync(connection, id, cancellationToken);
        if (!issuer.IsAdmin && owner != issuer.Account)
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not update this replication rule.");
        }

        var now = time.GetUtcNow();
        foreach (var option in options.EnumerateObject())
        {
            var value = option.Value;
            var (column, stored) = option.Name switch
            {
                "lifetime" => ("expires_at", value.ValueKind == JsonValueKind.Null ? null : (object)RucioTime.ToStorage(now.AddSeconds(JsonBody.AsLong(value, "lifetime")))),
                "comment" => ("comments", JsonBody.AsString(value)),
                "locked" => ("locked", JsonBody.AsBool(value) ? 1 : 0),
                "activity" => ("activity", JsonBody.AsString(value)),
                "priority" => ("priority", JsonBody.AsLong(value, "priority")),
                "source_replica_expression" => ("source_replica_expression", JsonBody.AsString(value)),
                "purge_replicas" => ("purge_replicas", JsonBody.AsBool(value) ? 1 : 0),
                "ignore_availability" => ("ignore_availability", JsonBody.AsBool(value) ? 1 : 0),
                "meta" => ("meta", value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()),
                "account" => ("account", JsonBody.AsString(value)),
                "state" => ("state", RuleRows.StateFromFilter(JsonBody.AsString(value) ?? string.Empty)
                    ?? throw RucioException.InvalidObject($"The state {value} is not a valid rule state")),
                _ => throw new RucioException(StatusCodes.Status400BadRequest, "InputValidationError", $"{option.Name} is not a valid option to set."),
            };
            await connection.ExecuteAsync($"UPDATE rules SET {column} = $v, updated_at = $now WHERE id = $id", cancellationToken, ("$v", stored), ("$now", RucioTime.ToStorage(now)), ("$id", id));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SoftDeleteAsync(Issuer issuer, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var owner = await RequireOwnerAsync(connection, id, cancellationToken);
        if (!issuer.IsAdmin && owner != issuer.Account)
        {
            throw RucioException.AccessDenied($"Account {issuer.Account} can not remove this replication rule.");
        }

        if (Convert.ToInt64(await connection.ScalarAsync("SELECT locked FROM rules WHERE id = $id", cancellationToken, ("$id", id)), System.Globalization.CultureInfo.InvariantCulture) != 0)
        {
            throw new RucioException(StatusCodes.Status409Conflict, "UnsupportedOperation", $"The replication rule {id} is locked and has to be unlocked before it can be deleted.");
        }

        var now = time.GetUtcNow();
        var deadline = RucioTime.ToStorage(now.Add(SoftDeleteGrace));
        await connection.ExecuteAsync(
            "UPDATE rules SET expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at < $deadline THEN expires_at ELSE $deadline END, updated_at = $now WHERE id = $id",
            cancellationToken,
            ("$deadline", deadline),
            ("$now", RucioTime.ToStorage(now)),
            ("$id", id));
    }

    private static async Task<string> RequireOwnerAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
        => await connection.ScalarAsync("SELECT account FROM rules WHERE id = $id", cancellationToken, ("$id", id)) as string
            ?? throw new RucioException(StatusCodes.Status404NotFound, "RuleNotFound", $"No rule with the id {id} found");
}
