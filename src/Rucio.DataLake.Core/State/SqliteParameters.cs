using Microsoft.Data.Sqlite;

namespace Rucio.DataLake.Core.State;

/// <summary>Named-parameter binding and one-shot statements shared by the job stores.</summary>
internal static class SqliteParameters
{
    /// <summary>Binds <c>$name</c> parameters; null becomes SQL NULL and ints are widened so SQLite compares them as integers.</summary>
    public static void Bind(SqliteCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value switch
            {
                null => DBNull.Value,
                int i => (long)i,
                _ => value,
            });
        }
    }

    /// <summary>Runs one statement on an open connection and returns the number of rows it changed.</summary>
    public static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Bind(command, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
