namespace Rucio.Sandbox.Tests.Replay;

/// <summary>A request the recording session made outside the raw transcripts, replayed to recreate the same state.</summary>
internal sealed record InterludeRequest(string Method, string Path, string? Body, int ExpectedStatus, string? RecordedRuleId = null);

/// <summary>Requests made between two recorded sessions (rucio upload, CLI, Python API), reconstructed from evidence.</summary>
internal sealed record Interlude(string Name, DateTimeOffset RecordedAt, string Evidence, IReadOnlyList<InterludeRequest> Requests);

/// <summary>
/// The transcripts are not the whole story: between the recorded sessions the operator uploaded two files and used the
/// rucio CLI and Python API (client_cli.txt, client_python_api.txt), and later transcripts show the effects. Without
/// these steps e.g. 12 (attach file1.dat) or 47 (a rule created by the CLI) cannot match. Each interlude is placed at
/// the time its effects were recorded (rule created_at values) and issues the same REST calls the client would.
/// </summary>
internal static class Interludes
{
    private static readonly DateTimeOffset Day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<Interlude> All { get; } =
    [
        new(
            "interlude: rucio upload file1.dat file2.dat to LOCAL-RSE1",
            Day.AddHours(18).AddMinutes(51).AddSeconds(45),
            "rules 70c06409.. and 0c3aad8d.. created 18:51:45 (22d), guids in 16/44b, replicas on LOCAL-RSE1 in 17",
            [
                .. Upload("file1.dat", 1000, "86cbed72", "e161288fcd77685ffbcdc7cee5a7ce8b", "e94f618d07cb4f44ae438ca38f604c67", "70c06409991b43bdac4b084378925d3a"),
                .. Upload("file2.dat", 2000, "32e6ee07", "85aee12e16422659abddfc241a1067ce", "5f2b1d55cb31421c86af275b5779e8b4", "0c3aad8d77a942219c9b71691ab3c4a4"),
            ]),
        new(
            "interlude: rule user.root:dataset2 -> LOCAL-RSE2",
            Day.AddHours(18).AddMinutes(54).AddSeconds(3),
            "rule 0fdc88cd.. created 18:54:03, REPLICATING[0/3/0] (32g, 47, client_cli.txt list-rules)",
            [Rule("dataset2", "LOCAL-RSE2", "null", "0fdc88cdf2bb4debb7a5ddecdf03e55e")]),
        new(
            "interlude: Python API rule user.root:file1.dat -> LOCAL-RSE2, lifetime 600",
            Day.AddHours(18).AddMinutes(55),
            "client_python_api.txt add_replication_rule: 8009e5f9.., OK at once",
            [Rule("file1.dat", "LOCAL-RSE2", "600", "8009e5f9958e495086d5a1e647d29838")]),
        new(
            "interlude: rucio CLI add-dataset/attach/add-rule user.root:dataset_cli",
            Day.AddHours(18).AddMinutes(55).AddSeconds(33),
            "client_cli.txt: add-dataset dataset_cli, attach file5.dat, add-rule -> 46058564..; 43 lists dataset_cli",
            [
                new("POST", "/dids/user.root/dataset_cli", """{"type": "DATASET"}""", 201),
                new("POST", "/dids/user.root/dataset_cli/dids", """{"dids": [{"scope": "user.root", "name": "file5.dat"}]}""", 201),
                Rule("dataset_cli", "LOCAL-RSE2", "null", "4605856490b64fbd90635be9b1103ee1"),
            ]),
    ];

    /// <summary>The REST calls of rucio 1.31's UploadClient: register the replica (state C), a rule, then state A.</summary>
    private static InterludeRequest[] Upload(string name, long bytes, string adler32, string md5, string guid, string ruleId)
    {
        var file = $$"""{"scope": "user.root", "name": "{{name}}", "bytes": {{bytes}}, "adler32": "{{adler32}}", "md5": "{{md5}}", "meta": {"guid": "{{guid}}"}""";
        return
        [
            new("POST", "/replicas", $$"""{"rse": "LOCAL-RSE1", "files": [{{file}}, "state": "C"}]}""", 201),
            Rule(name, "LOCAL-RSE1", "null", ruleId),
            new("PUT", "/replicas", $$"""{"rse": "LOCAL-RSE1", "files": [{{file}}, "state": "A"}]}""", 200),
        ];
    }

    private static InterludeRequest Rule(string name, string rse, string lifetime, string recordedRuleId) => new(
        "POST",
        "/rules/",
        $$"""{"dids": [{"scope": "user.root", "name": "{{name}}"}], "copies": 1, "rse_expression": "{{rse}}", "weight": null, "lifetime": {{lifetime}}, "grouping": "DATASET", "account": "root", "locked": false, "source_replica_expression": null, "activity": null, "notify": "N", "purge_replicas": false, "ignore_availability": false, "comment": null, "ask_approval": false, "asynchronous": false, "delay_injection": null, "priority": 3, "split_container": false, "meta": null}""",
        201,
        recordedRuleId);
}
