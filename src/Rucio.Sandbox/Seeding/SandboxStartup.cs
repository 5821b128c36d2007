using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Seeding;

/// <summary>
/// Runs once the server listens (so port 0 is resolved): points the sandbox-served protocols at the real
/// address, writes DIR/rucio-config.json and prints the ready line.
/// </summary>
internal sealed class SandboxStartup(IServer server, SandboxDatabase database, SandboxOptions options, StorageLayout storage) : IHostedLifecycleService
{
    public Uri? BaseUri { get; private set; }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server reports no listening address.");
        var uri = new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        BaseUri = uri;
        await RewriteProtocolsAsync(uri, cancellationToken);
        if (options.SeedDemo)
        {
            await WriteConfigAsync(uri, cancellationToken);
        }

        await Console.Out.WriteLineAsync($"Rucio Sandbox listening on {uri.GetLeftPart(UriPartial.Authority)} (data: {options.DataDirectory})");
    }

    private async Task RewriteProtocolsAsync(Uri uri, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var served = await connection.ListAsync(
            "SELECT p.rse_id, r.rse, p.scheme, p.hostname, p.port FROM rse_protocols p JOIN rses r ON r.id = p.rse_id WHERE p.sandbox_served = 1",
            r => (RseId: r.GetString(0), Rse: r.GetString(1), Scheme: r.GetString(2), Host: r.GetString(3), Port: r.GetInt64(4)),
            cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var protocol in served)
        {
            if (protocol.Scheme == "file")
            {
                await connection.ExecuteAsync(
                    "UPDATE rse_protocols SET prefix = $prefix WHERE rse_id = $id AND scheme = 'file' AND sandbox_served = 1",
                    cancellationToken,
                    ("$prefix", storage.RseDirectory(protocol.Rse)),
                    ("$id", protocol.RseId));
                continue;
            }

            await connection.ExecuteAsync(
                "UPDATE rse_protocols SET scheme = $scheme, hostname = $host, port = $port, prefix = $prefix WHERE rse_id = $id AND scheme = $old AND hostname = $oldHost AND port = $oldPort",
                cancellationToken,
                ("$scheme", uri.Scheme), ("$host", uri.Host), ("$port", uri.Port), ("$prefix", $"/storage/{protocol.Rse}/"),
                ("$id", protocol.RseId), ("$old", protocol.Scheme), ("$oldHost", protocol.Host), ("$oldPort", protocol.Port));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>rucio-config.json in the extension's RucioConfig format (the object itself, no wrapper).</summary>
    private async Task WriteConfigAsync(Uri uri, CancellationToken cancellationToken)
    {
        var baseUrl = uri.GetLeftPart(UriPartial.Authority);
        var mountPath = storage.RseDirectory(SandboxSeeder.DemoMountedRse);

        // The file PFN's path is the mount directory followed by the replica path, so dropping as many leading
        // segments as the mount directory has maps a PFN onto the mount.
        var pathBeginsAt = mountPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        var config = new JsonObject
        {
            ["instances"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "sandbox",
                    ["display_name"] = "Sandbox",
                    ["mode"] = "replica",
                    ["rucio_base_url"] = baseUrl,
                    ["rucio_auth_url"] = baseUrl,
                    ["destination_rse"] = SandboxSeeder.DemoMountedRse,
                    ["rse_mount_path"] = mountPath,
                    ["path_begins_at"] = pathBeginsAt,
                    ["replication_rule_lifetime_days"] = 7,
                    ["wildcard_enabled"] = true,
                    ["site_name"] = "CERN",
                    ["vo"] = "def",
                },
                new JsonObject
                {
                    ["name"] = "sandbox-download",
                    ["display_name"] = "Sandbox (download)",
                    ["mode"] = "download",
                    ["rucio_base_url"] = baseUrl,
                    ["rucio_auth_url"] = baseUrl,
                    ["rucio_ca_cert"] = options.TlsCertificatePath ?? string.Empty,
                    ["wildcard_enabled"] = true,
                    ["vo"] = "def",
                }),
            ["default_instance"] = "sandbox",
            ["default_auth_type"] = "userpass",
            ["log_level"] = "info",
        };
        var path = Path.Combine(options.DataDirectory, "rucio-config.json");
        await File.WriteAllTextAsync(path + ".tmp", config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        SandboxDatabase.ReleasePooledConnections();
        return Task.CompletedTask;
    }
}
