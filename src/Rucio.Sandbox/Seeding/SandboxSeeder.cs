using Rucio.Sandbox.Accounts;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Replicas;
using Rucio.Sandbox.Rses;
using Rucio.Sandbox.Rules;
using Rucio.Sandbox.Scopes;
using Rucio.Sandbox.Storage;

namespace Rucio.Sandbox.Seeding;

/// <summary>
/// Idempotent seeding: the base (root with ddmlab/secret), the demo story (--seed demo) and a large dataset
/// (--seed-large N). Every step checks what exists, so a second start on the same data directory changes nothing.
/// </summary>
internal sealed class SandboxSeeder(
    SandboxDatabase database,
    AccountStore accounts,
    RseAdministration rses,
    DidService dids,
    RuleEngine rules,
    StorageLayout storage,
    TimeProvider time)
{
    public const string DemoMountedRse = "CERN-EOS";
    public const string DemoRemoteRse = "DESY-DCACHE";
    public const string DemoScratchRse = "SCRATCH-DISK";
    private static readonly Issuer Root = new("root", "ddmlab", DateTimeOffset.MaxValue, IsAdmin: true);

    public async Task SeedBaseAsync(CancellationToken cancellationToken)
    {
        await accounts.AddAccountAsync("root", "SERVICE", null, isAdmin: true, cancellationToken);
        await accounts.AddIdentityAsync("root", "ddmlab", "USERPASS", "ddmlab@example.org", "secret", isDefault: true, cancellationToken);
    }

    public async Task SeedDemoAsync(CancellationToken cancellationToken)
    {
        await EnsureDemoRsesAsync(cancellationToken);
        await accounts.AddAccountAsync("jdoe", "USER", "jdoe@example.org", isAdmin: false, cancellationToken);
        await accounts.AddIdentityAsync("jdoe", "jdoe", "USERPASS", "jdoe@example.org", "jdoe-secret", isDefault: true, cancellationToken);
        foreach (var (account, scope) in new[] { ("root", "opendata"), ("root", "user.root"), ("jdoe", "user.jdoe") })
        {
            await ScopeEndpoints.AddScopeAsync(database, time, account, scope, cancellationToken);
        }

        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            foreach (var datatype in new[] { "NTUP", "DAOD", "AOD", "CSV" })
            {
                await connection.ExecuteAsync("INSERT INTO did_key_values (key, value) VALUES ('datatype', $v) ON CONFLICT DO NOTHING", cancellationToken, ("$v", datatype));
            }

            // root is an admin (quota does not apply); jdoe gets a tiny quota on the mounted RSE to show a refusal.
            await SetLimitAsync(connection, "root", DemoMountedRse, 1_000_000_000_000, cancellationToken);
            await SetLimitAsync(connection, "root", DemoRemoteRse, 1_000_000_000_000, cancellationToken);
            await SetLimitAsync(connection, "root", DemoScratchRse, 1_000_000_000_000, cancellationToken);
            await SetLimitAsync(connection, "jdoe", DemoMountedRse, 10_000, cancellationToken);
            await SetLimitAsync(connection, "jdoe", DemoRemoteRse, 1_000_000_000, cancellationToken);
            await SetLimitAsync(connection, "jdoe", DemoScratchRse, 1_000_000_000, cancellationToken);
        }

        var diphoton = Enumerable.Range(0, 5).Select(i => ($"diphoton_run{201_000 + i * 113}.csv", DemoContent.DiphotonEvents(201_000 + i * 113, 60 + i * 7))).ToList();
        var fourLepton = Enumerable.Range(0, 4).Select(i => ($"fourlepton_run{203_000 + i * 211}.csv", DemoContent.FourLeptonEvents(203_000 + i * 211, 45 + i * 5))).ToList();
        var calibration = new[] { "photon_energy_scale", "electron_energy_scale", "muon_momentum_scale" }
            .Select((subject, i) => ($"{subject}_2012.txt", DemoContent.CalibrationNote(subject, i + 1))).ToList();
        var analysisInputs = new List<(string, byte[])>
        {
            ("selection_cuts.txt", DemoContent.Text("# diphoton selection\npt_1 > 40 GeV\npt_2 > 30 GeV\n|eta| < 2.37, excluding 1.37 < |eta| < 1.52\n105 < m_yy < 160 GeV\n")),
            ("runs/2012/summary.txt", DemoContent.Text("2012 runs used in this analysis: 201000-203633\nintegrated luminosity: 20.3 fb^-1\n")),
        };

        await DatasetAsync("opendata", "higgs_diphoton_2012", diphoton, [DemoRemoteRse, DemoMountedRse], new() { ["datatype"] = "NTUP", ["project"] = "data12_8TeV", ["run_number"] = 201000L, ["stream_name"] = "physics_Egamma" }, cancellationToken);
        await DatasetAsync("opendata", "higgs_4lepton_2012", fourLepton, [DemoRemoteRse], new() { ["datatype"] = "NTUP", ["project"] = "data12_8TeV", ["run_number"] = 203000L, ["stream_name"] = "physics_Muons" }, cancellationToken);
        await DatasetAsync("opendata", "calibration_2012", calibration, [DemoRemoteRse, DemoMountedRse], new() { ["datatype"] = "CSV", ["project"] = "data12_8TeV" }, cancellationToken);
        await DatasetAsync("user.root", "analysis_inputs", analysisInputs, [DemoScratchRse], new() { ["datatype"] = "CSV" }, cancellationToken);
        await EnsureCollectionAsync("opendata", "higgs_2012", "CONTAINER", cancellationToken);
        await AttachMissingAsync("opendata", "higgs_2012", [("opendata", "higgs_diphoton_2012"), ("opendata", "higgs_4lepton_2012")], cancellationToken);
    }

    /// <summary>
    /// user.root:large_N with N tiny real files on DESY-DCACHE, written with one transaction and prepared
    /// statements (see <see cref="LargeDatasetSeeder"/>).
    /// </summary>
    public async Task SeedLargeAsync(int count, CancellationToken cancellationToken)
    {
        await EnsureDemoRsesAsync(cancellationToken);
        await ScopeEndpoints.AddScopeAsync(database, time, "root", "user.root", cancellationToken);
        var name = $"large_{count}";
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            if (await DidStore.FindAsync(connection, "user.root", name, cancellationToken) is not null)
            {
                return;
            }
        }

        await LargeDatasetSeeder.WriteAsync(database, storage, time, "user.root", name, DemoRemoteRse, count, cancellationToken);
    }

    private async Task EnsureDemoRsesAsync(CancellationToken cancellationToken)
    {
        var definitions = new (string Name, string City, string Country, string Type, string Site)[]
        {
            (DemoMountedRse, "Geneva", "CH", "DISK", "CERN"),
            (DemoRemoteRse, "Hamburg", "DE", "DISK", "DESY"),
            (DemoScratchRse, "Geneva", "CH", "SCRATCHDISK", "CERN"),
        };
        foreach (var definition in definitions)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            if (await RseStore.FindAsync(connection, definition.Name, cancellationToken) is not null)
            {
                continue;
            }

            var rse = await rses.AddRseAsync(definition.Name, new RseDefinition(City: definition.City, CountryName: definition.Country), cancellationToken);
            await RseStore.SetAttributeAsync(connection, rse.Id, "site", definition.Site, cancellationToken);
            await RseStore.SetAttributeAsync(connection, rse.Id, "type", definition.Type, cancellationToken);
            await RseStore.SetAttributeAsync(connection, rse.Id, "sandbox_served", true, cancellationToken);
            await RseStore.SetAttributeAsync(connection, rse.Id, "tier", definition.Name == DemoMountedRse ? "0" : "1", cancellationToken);

            // Hostnames, ports and prefixes are placeholders until the server knows its address (see SandboxStartup).
            await rses.AddProtocolAsync(definition.Name, Protocol("file", "localhost", 0, storage.RseDirectory(definition.Name), "rucio.rse.protocols.posix.Default", wanRead: 1), cancellationToken);
            await rses.AddProtocolAsync(definition.Name, Protocol("http", "localhost", 1, $"/storage/{definition.Name}/", "rucio.rse.protocols.webdav.Default", wanRead: 2), cancellationToken);
        }
    }

    private static RseProtocol Protocol(string scheme, string host, long port, string prefix, string impl, int wanRead)
        => new(scheme, host, port, prefix, impl, wanRead, wanRead, wanRead, wanRead, wanRead, wanRead, wanRead, wanRead, null, SandboxServed: true);

    private async Task DatasetAsync(string scope, string name, List<(string Name, byte[] Content)> files, string[] rseNames, Dictionary<string, object?> meta, CancellationToken cancellationToken)
    {
        await EnsureCollectionAsync(scope, name, "DATASET", cancellationToken);
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            foreach (var (key, value) in meta)
            {
                await connection.ExecuteAsync($"UPDATE dids SET {key} = $v WHERE scope = $s AND name = $n", cancellationToken, ("$v", value), ("$s", scope), ("$n", name));
            }

            var now = RucioTime.Now(time);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (fileName, content) in files)
            {
                var file = new NewFile(scope, fileName, content.Length, Checksums.Adler32(content), Checksums.Md5(content), Guid.NewGuid().ToString("N"));
                await ReplicaStore.EnsureFileDidAsync(connection, file, "root", now, cancellationToken);
                foreach (var rseName in rseNames)
                {
                    var rse = await RseStore.RequireAsync(connection, rseName, cancellationToken);
                    var path = StorageLayout.DeterministicPath(scope, fileName);
                    await WriteFileAsync(storage.LocalPath(rseName, path)!, content, cancellationToken);
                    if (await connection.ScalarAsync("SELECT 1 FROM replicas WHERE scope = $s AND name = $n AND rse_id = $r", cancellationToken, ("$s", scope), ("$n", fileName), ("$r", rse.Id)) is null)
                    {
                        await ReplicaStore.AddReplicaAsync(connection, rse, file, ReplicaStates.Available, now, cancellationToken);
                    }
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await AttachMissingAsync(scope, name, files.Select(f => (scope, f.Name)).ToList(), cancellationToken);
        foreach (var rseName in rseNames)
        {
            await EnsureRuleAsync(scope, name, rseName, cancellationToken);
        }

        if (scope == "opendata")
        {
            // Published open data is closed, so its length and size are known in searches.
            await dids.SetStatusAsync(Root, scope, name, open: false, cancellationToken);
        }
    }

    private async Task EnsureCollectionAsync(string scope, string name, string type, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await DidStore.FindAsync(connection, scope, name, cancellationToken) is null)
        {
            await dids.AddCollectionAsync(Root, scope, name, type, lifetime: null, meta: [], cancellationToken);
        }
    }

    private async Task AttachMissingAsync(string scope, string name, List<(string Scope, string Name)> children, CancellationToken cancellationToken)
    {
        List<NewFile> missing;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            var present = (await connection.ListAsync("SELECT child_scope, child_name FROM contents WHERE scope = $s AND name = $n", r => (r.GetString(0), r.GetString(1)), cancellationToken, ("$s", scope), ("$n", name))).ToHashSet();
            missing = children.Where(c => !present.Contains(c)).Select(c => new NewFile(c.Scope, c.Name, 0, null, null)).ToList();
        }

        if (missing.Count > 0)
        {
            await dids.AttachAsync(Root, scope, name, missing, rse: null, cancellationToken);
        }
    }

    private async Task EnsureRuleAsync(string scope, string name, string rse, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            if (await connection.ScalarAsync("SELECT 1 FROM rules WHERE scope = $s AND name = $n AND account = 'root' AND rse_expression = $e AND copies = 1", cancellationToken, ("$s", scope), ("$n", name), ("$e", rse)) is not null)
            {
                return;
            }
        }

        await rules.CreateRulesAsync(Root, [(scope, name)], new RuleOptions(Account: "root", Copies: 1, RseExpression: rse, Comment: "sandbox seed"), cancellationToken);
    }

    private static async Task SetLimitAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string account, string rse, long bytes, CancellationToken cancellationToken)
    {
        var record = await RseStore.RequireAsync(connection, rse, cancellationToken);
        await connection.ExecuteAsync("INSERT INTO account_limits (account, rse_id, bytes) VALUES ($a, $r, $b) ON CONFLICT DO NOTHING", cancellationToken, ("$a", account), ("$r", record.Id), ("$b", bytes));
    }

    internal static async Task WriteFileAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".seed-tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
