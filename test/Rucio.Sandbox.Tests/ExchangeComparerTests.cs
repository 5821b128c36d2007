using Rucio.Sandbox.Tests.Comparison;
using Rucio.Sandbox.Tests.Replay;

namespace Rucio.Sandbox.Tests;

/// <summary>The comparer must accept the recording itself and catch each kind of deviation it claims to check.</summary>
public sealed class ExchangeComparerTests
{
    private const string RecordedServer = "http://127.0.0.1:28080";
    private static readonly IReadOnlyList<Transcript> All = ReplayPlan.LoadTranscripts();

    [Fact]
    public void Every_recorded_exchange_matches_itself()
    {
        var comparer = NewComparer(out _);
        var problems = new List<string>();
        foreach (var step in ReplayPlan.Build(All).Where(s => s.Transcript is not null))
        {
            foreach (var exchange in step.Transcript!.Exchanges)
            {
                var live = AsLive(exchange.Response);
                if (Allowances.For(step.Name).HeaderMessageFromBody)
                {
                    // This recording's header predates an edit of the body; a correct server derives it from the body.
                    using var body = System.Text.Json.JsonDocument.Parse(exchange.Response.Body);
                    var header = ExchangeComparer.HeaderMessageOf(body.RootElement.GetProperty("ExceptionMessage").GetString()!);
                    live = live with { Headers = [.. live.Headers.Where(h => h.Name != "ExceptionMessage"), new("ExceptionMessage", header)] };
                }

                problems.AddRange(comparer.Compare(step.Name, exchange, live).Select(p => $"{step.Name} {exchange}: {p}"));
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void A_changed_value_a_missing_key_and_a_changed_kind_are_reported()
    {
        var exchange = Exchange("15_get_did_dataset.txt");
        var body = exchange.Response.Body
            .Replace("\"open\": true", "\"open\": false", StringComparison.Ordinal)
            .Replace(", \"monotonic\": false", "", StringComparison.Ordinal)
            .Replace("\"bytes\": null", "\"bytes\": \"0\"", StringComparison.Ordinal);

        var problems = NewComparer(out _).Compare("15_get_did_dataset.txt", exchange, AsLive(exchange.Response) with { Body = body });

        Assert.Contains(problems, p => p.StartsWith("$.open:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("missing key \"monotonic\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$.bytes: string", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Status_media_type_and_exception_class_are_compared()
    {
        var exchange = Exchange("15d_get_did_notfound.txt");
        var live = AsLive(exchange.Response) with
        {
            Status = 500,
            Headers = [new("Content-Type", "application/json"), new("ExceptionClass", "RucioException"), new("ExceptionMessage", "x")],
        };

        var problems = NewComparer(out _).Compare("15d_get_did_notfound.txt", exchange, live);

        Assert.Contains(problems, p => p.StartsWith("status 500", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Content-Type", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("header ExceptionClass", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("header ExceptionMessage", StringComparison.Ordinal));
    }

    [Fact]
    public void Generated_ids_must_stay_consistent_across_exchanges()
    {
        var comparer = NewComparer(out _);
        var first = Exchange("21_get_rule.txt");
        var second = Exchange("21b_get_rule_estimate_ttc.txt");
        const string recordedId = "4718baf2807b45aa9588337f7b31401d";

        Assert.Empty(comparer.Compare("21_get_rule.txt", first, AsLive(first.Response) with { Body = first.Response.Body.Replace(recordedId, new string('a', 32), StringComparison.Ordinal) }));
        var problems = comparer.Compare("21b_get_rule_estimate_ttc.txt", second, AsLive(second.Response) with { Body = second.Response.Body.Replace(recordedId, new string('b', 32), StringComparison.Ordinal) });

        Assert.Equal(["$.id: id bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb where aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa was expected (the Sandbox's id for recorded 4718baf2807b45aa9588337f7b31401d)"], problems);
    }

    [Fact]
    public void PFNs_compare_by_scheme_and_hash_path_not_by_storage_prefix()
    {
        var exchange = Exchange("17g_get_replicas_get.txt");
        var moved = exchange.Response.Body.Replace("file://localhost/srv/rucio/rse1/", "file://localhost/tmp/sandbox/rses/LOCAL-RSE1/", StringComparison.Ordinal);
        var rehashed = exchange.Response.Body.Replace("/90/11/", "/91/11/", StringComparison.Ordinal);

        Assert.Empty(NewComparer(out _).Compare("17g_get_replicas_get.txt", exchange, AsLive(exchange.Response) with { Body = moved }));
        var problems = NewComparer(out _).Compare("17g_get_replicas_get.txt", exchange, AsLive(exchange.Response) with { Body = rehashed });
        Assert.Contains(problems, p => p.Contains("missing key \"file://localhost/srv/rucio/rse1/user/root/90/11/file1.dat\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("does not end with the hash path 'user/root/90/11/file1.dat'", StringComparison.Ordinal));
    }

    [Fact]
    public void Ndjson_lines_pair_by_content_not_position_but_must_all_be_there()
    {
        var exchange = Exchange("16b_list_files_container.txt");
        var lines = exchange.Response.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var reversed = string.Concat(lines.Reverse().Select(l => l + "\n"));
        var shortened = string.Concat(lines.Skip(1).Select(l => l + "\n"));

        Assert.Empty(NewComparer(out _).Compare("16b_list_files_container.txt", exchange, AsLive(exchange.Response) with { Body = reversed }));
        var problems = NewComparer(out _).Compare("16b_list_files_container.txt", exchange, AsLive(exchange.Response) with { Body = shortened });
        Assert.Contains(problems, p => p.StartsWith("line 1 missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("4 NDJSON lines where the recording has 5", StringComparison.Ordinal));
    }

    [Fact]
    public void An_allowance_relaxes_only_its_own_transcript()
    {
        var allowed = Exchange("26c_account_usage_after_rule.txt");
        var strict = Exchange("07d_get_account_usage_local.txt");
        static string Used(string body) => body.Replace("\"bytes\": 0, \"files\": 0", "\"bytes\": 3000, \"files\": 2", StringComparison.Ordinal);

        Assert.Empty(NewComparer(out _).Compare("26c_account_usage_after_rule.txt", allowed, AsLive(allowed.Response) with { Body = Used(allowed.Response.Body) }));
        Assert.NotEmpty(NewComparer(out _).Compare("07d_get_account_usage_local.txt", strict, AsLive(strict.Response) with { Body = Used(strict.Response.Body) }));
    }

    [Fact]
    public void Timestamps_are_checked_for_format_only()
    {
        var exchange = Exchange("02b_account_root.txt");
        var later = exchange.Response.Body.Replace("2026-11-22T18:50:34", "2031-01-02T03:04:05", StringComparison.Ordinal);
        var reformatted = exchange.Response.Body.Replace("2026-11-22T18:50:34", "2026-11-22 18:50:34", StringComparison.Ordinal);

        Assert.Empty(NewComparer(out _).Compare("02b_account_root.txt", exchange, AsLive(exchange.Response) with { Body = later }));
        Assert.Contains(NewComparer(out _).Compare("02b_account_root.txt", exchange, AsLive(exchange.Response) with { Body = reformatted }),
            p => p.Contains("is not in the recorded format", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_allowance_names_a_replayed_transcript_and_gives_a_reason()
    {
        Assert.All(Allowances.Table, allowance =>
        {
            Assert.Contains(All, t => t.FileName == allowance.Transcript);
            Assert.False(string.IsNullOrWhiteSpace(allowance.Why));
            Assert.True(allowance.UncomparedValueKeys.Count > 0 || allowance.TextMasks.Count > 0 || allowance.HeaderMessageFromBody, $"{allowance.Transcript} allows nothing");
        });
    }

    [Fact]
    public void The_header_message_rule_reproduces_every_unedited_recorded_header()
    {
        var errors = All.SelectMany(t => t.Exchanges.Select(e => (t.FileName, e.Response)))
            .Where(r => r.Response.Header("ExceptionMessage") is not null && r.FileName != "13b_add_replicas_with_pfn.txt")
            .ToList();

        Assert.NotEmpty(errors);
        Assert.All(errors, r =>
        {
            using var body = System.Text.Json.JsonDocument.Parse(r.Response.Body);
            Assert.Equal(r.Response.Header("ExceptionMessage"), ExchangeComparer.HeaderMessageOf(body.RootElement.GetProperty("ExceptionMessage").GetString()!));
        });
    }

    private static ExchangeComparer NewComparer(out IdMap ids)
    {
        ids = new IdMap();
        return new ExchangeComparer(ids, PfnStructure.FromProtocolDefinitions(All), RecordedServer);
    }

    private static RecordedExchange Exchange(string fileName) => All.Single(t => t.FileName == fileName).Exchanges[0];

    private static LiveResponse AsLive(RecordedResponse recorded) =>
        new(recorded.Status, recorded.Headers, recorded.Body);
}
