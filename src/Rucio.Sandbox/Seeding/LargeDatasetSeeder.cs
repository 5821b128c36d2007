using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Rses;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Seeding;

/// <summary>
/// Bulk-registers a dataset of N tiny real files with AVAILABLE replicas: one transaction, prepared statements
/// reused for every row, files written in parallel.
/// </summary>
internal static class LargeDatasetSeeder
{
    public static async Task WriteAsync(SandboxDatabase database, StorageLayout storage, TimeProvider time, string scope, string name, string rseName, int count, CancellationToken cancellationToken)
    {
        var files = Enumerable.Range(0, count).Select(i =>
        {
            var fileName = string.Create(CultureInfo.InvariantCulture, $"{name}.file_{i:D6}.txt");
            var content = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{scope}:{fileName} #{i}\n"));
            return (Name: fileName, Content: content, Path: StorageLayout.DeterministicPath(scope, fileName));
        }).ToList();

        await Parallel.ForEachAsync(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (file, token) =>
            {
                var path = storage.LocalPath(rseName, file.Path)!;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, file.Content, token);
            });

        await using var connection = await database.OpenAsync(cancellationToken);
        var rse = await RseStore.RequireAsync(connection, rseName, cancellationToken);
        var now = RucioTime.Now(time);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO dids (scope, name, did_type, account, is_open, project, created_at, updated_at) VALUES ($s, $n, 'D', 'root', 1, 'user', $now, $now)",
            cancellationToken,
            ("$s", scope),
            ("$n", name),
            ("$now", now));
        await using var insertDid = Prepare(connection, "INSERT INTO dids (scope, name, did_type, account, bytes, adler32, md5, created_at, updated_at) VALUES ($s, $n, 'F', 'root', $b, $a, $m, $now, $now)");
        await using var insertContent = Prepare(connection, "INSERT INTO contents (scope, name, child_scope, child_name, did_type, child_type, bytes, adler32, md5, created_at) VALUES ($ds, $dn, $s, $n, 'D', 'F', $b, $a, $m, $now)");
        await using var insertReplica = Prepare(connection, "INSERT INTO replicas (scope, name, rse_id, bytes, md5, adler32, path, state, created_at, updated_at) VALUES ($s, $n, $rse, $b, $m, $a, $p, 'A', $now, $now)");
        foreach (var file in files)
        {
            var adler = Checksums.Adler32(file.Content);
            var md5 = Checksums.Md5(file.Content);
            Bind(insertDid, ("$s", scope), ("$n", file.Name), ("$b", file.Content.Length), ("$a", adler), ("$m", md5), ("$now", now));
            await insertDid.ExecuteNonQueryAsync(cancellationToken);
            Bind(insertContent, ("$ds", scope), ("$dn", name), ("$s", scope), ("$n", file.Name), ("$b", file.Content.Length), ("$a", adler), ("$m", md5), ("$now", now));
            await insertContent.ExecuteNonQueryAsync(cancellationToken);
            Bind(insertReplica, ("$s", scope), ("$n", file.Name), ("$rse", rse.Id), ("$b", file.Content.Length), ("$m", md5), ("$a", adler), ("$p", file.Path), ("$now", now));
            await insertReplica.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            if (command.Parameters.Contains(name))
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }
            else
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
    }
}
