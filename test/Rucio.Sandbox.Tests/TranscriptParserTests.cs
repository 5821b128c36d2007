using Rucio.Sandbox.Tests.Replay;

namespace Rucio.Sandbox.Tests;

/// <summary>The parser and the replay order are test code the suite's verdicts depend on, so they are tested too.</summary>
public sealed class TranscriptParserTests
{
    private static readonly IReadOnlyList<Transcript> All = ReplayPlan.LoadTranscripts();

    [Fact]
    public void Every_raw_transcript_parses_and_only_the_two_client_logs_are_excluded()
    {
        var files = Directory.EnumerateFiles(ReplayPlan.TranscriptDirectory, "*.txt").Select(Path.GetFileName).ToList();

        Assert.Equal(files.Count - 2, All.Count);
        Assert.Equal(["client_cli.txt", "client_python_api.txt"], files.Except(All.Select(t => t.FileName)).Order(StringComparer.Ordinal));
        Assert.All(All, t => Assert.NotEmpty(t.Exchanges));
    }

    [Fact]
    public void Bodies_are_cut_by_content_length_and_chunked_bodies_keep_their_lines()
    {
        var ping = Single("00_ping.txt");
        Assert.Equal("GET", ping.Request.Method);
        Assert.Equal("/ping", ping.Request.PathAndQuery);
        Assert.Equal("{\"version\":\"1.31.7\"}\n", ping.Response.Body);
        Assert.Equal("application/json", ping.Response.MediaType);

        var rses = Single("04d_list_rses.txt");
        Assert.Equal(2, rses.Response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("}\n", rses.Response.Body, StringComparison.Ordinal);

        var created = Single("02e_add_account_jdoe.txt");
        Assert.Equal("{\"type\": \"USER\", \"email\": \"jdoe@example.org\"}", created.Request.Body);
        Assert.Equal(201, created.Response.Status);
        Assert.Equal("Created", created.Response.Body);
    }

    [Fact]
    public void Files_with_several_exchanges_are_split_on_separator_lines()
    {
        var attributes = All.Single(t => t.FileName == "06_set_attr_LOCAL-RSE1.txt").Exchanges;

        Assert.Equal(["/rses/LOCAL-RSE1/attr/country", "/rses/LOCAL-RSE1/attr/tier", "/rses/LOCAL-RSE1/attr/fts", "/rses/LOCAL-RSE1/attr/type"],
            attributes.Select(e => e.Request.PathAndQuery));
        Assert.Equal([1, 2, 3, 4], attributes.Select(e => e.Index));
    }

    [Fact]
    public void A_final_newline_belongs_to_the_body_only_when_content_length_counts_it()
    {
        const string template = ">>> GET /x HTTP/1.1\n>>> Host: h\n>>>\n\n<<< HTTP/1.1 200 OK\n<<< Content-Length: {0}\n<<<\nok\n\n";

        Assert.Equal("ok", TranscriptParser.Parse("a.txt", template.Replace("{0}", "2", StringComparison.Ordinal)).Exchanges[0].Response.Body);
        Assert.Equal("ok\n", TranscriptParser.Parse("b.txt", template.Replace("{0}", "3", StringComparison.Ordinal)).Exchanges[0].Response.Body);
    }

    [Fact]
    public void A_malformed_transcript_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => TranscriptParser.Parse("bad.txt", ">>> GET /x HTTP/1.1\n>>> Host: h\n"));
        Assert.Contains("bad.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_order_follows_the_recording_sessions_not_the_file_names()
    {
        var order = ReplayPlan.Build(All).Select(s => s.Name).ToList();
        int At(string name) => order.IndexOf(name);

        Assert.Equal(All.Count + Interludes.All.Count, order.Distinct().Count());
        Assert.True(At("10a_add_dataset_invalid_project_meta.txt") < At("10_add_dataset.txt"));
        Assert.True(At("06_set_attr_LOCAL-RSE2.txt") < At("04c_get_rse.txt"));
        Assert.True(At("05_add_protocol_LOCAL-RSE1.txt") < At("04c_get_rse.txt"));
        Assert.True(At("04_add_rse_LOCAL-RSE2.txt") < At("05_add_protocol_LOCAL-RSE1.txt"));
        Assert.True(At("13c0_attach_before_file4_registered_404.txt") < At("13b2_add_replicas_with_matching_pfn.txt"));
        Assert.True(At("15c_get_did_dynamic.txt") < At("13f_attach_to_dataset2.txt"));
        Assert.True(At("15h_did_status_close.txt") < At("13c_attach_to_closed_dataset.txt"));
        Assert.True(At("13c_attach_to_closed_dataset.txt") < At("13e_reopen_dataset.txt"));
        Assert.True(At(Interludes.All[0].Name) < At("12_attach_files_to_dataset.txt"));
        Assert.True(At("08b_get_distance.txt") < At(Interludes.All[0].Name));
        Assert.True(At("28g_jdoe_account_wrong_header.txt") < At(Interludes.All[1].Name));
        Assert.True(At(Interludes.All[1].Name) < At("30_list_replicas_before_complete.txt"));
        Assert.True(At(Interludes.All[3].Name) < At("40_ext_auth_userpass.txt"));
        Assert.True(At("60g_rse_limits_get.txt") < At("70_account_usage_after_abacus.txt"));
    }

    private static RecordedExchange Single(string fileName) => All.Single(t => t.FileName == fileName).Exchanges.Single();
}
