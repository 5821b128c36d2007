using System.Text.RegularExpressions;

namespace Rucio.Sandbox.Tests.Comparison;

/// <summary>A masked part of a non-JSON body: text matching <see cref="Pattern"/> on both sides becomes <see cref="Placeholder"/>.</summary>
internal sealed record TextMask(Regex Pattern, string Placeholder);

/// <summary>One tolerated difference for one transcript, with the reason the Sandbox cannot or need not match.</summary>
internal sealed record Allowance(string Transcript, string Difference, string Why)
{
    /// <summary>
    /// JSON keys whose values, and whether they are null, are not compared in this transcript; any other change of
    /// kind (a number for a string, say) is still reported.
    /// </summary>
    public IReadOnlySet<string> UncomparedValueKeys { get; init; } = new HashSet<string>();

    public IReadOnlyList<TextMask> TextMasks { get; init; } = [];

    /// <summary>
    /// The ExceptionMessage header is checked against Rucio's rule applied to the recorded body message (newlines
    /// to spaces, cut at 125 characters plus "...") instead of against the recorded header.
    /// </summary>
    public bool HeaderMessageFromBody { get; init; }
}

/// <summary>
/// Every place where the comparison is relaxed, per transcript. Nothing here applies to any other transcript:
/// values not listed are compared exactly (or, for ids, timestamps and PFNs, by the rules in <see cref="JsonComparer"/>).
/// </summary>
internal static class Allowances
{
    private static readonly string[] AccountUsageCounters = ["bytes", "files", "bytes_remaining"];

    public static IReadOnlyList<Allowance> Table { get; } =
    [
        new("01d_auth_validate.txt", "the 'lifetime' datetime in the Python repr",
            "it is the expiry of the token in use, a wall-clock time")
        {
            TextMasks =
            [
                new(new Regex(@"datetime\.datetime\(\d{4}, \d{1,2}, \d{1,2}, \d{1,2}, \d{1,2}, \d{1,2}(, \d{1,6})?\)", RegexOptions.CultureInvariant),
                    "datetime.datetime(<token expiry>)"),
            ],
        },
        new("13b_add_replicas_with_pfn.txt", "where the ExceptionMessage header is cut",
            "the recording was edited after capture (paths 6 bytes shorter, see Content-Length), so the recorded header was cut at another place")
        {
            HeaderMessageFromBody = true,
        },
        new("25b_get_request_for_file.txt", "request state, source and submission times",
            "recorded with conveyor-submitter stopped (QUEUED, no source); the Sandbox's worker plays the submitter on its own schedule")
        {
            UncomparedValueKeys = new HashSet<string> { "state", "source_rse", "source_rse_id", "submitted_at", "started_at" },
        },
        new("26b_dataset_replicas_after_rule.txt", "dataset replica counters and state",
            "recorded before abacus-collection-replica ran (0 bytes, UNAVAILABLE); the Sandbox may keep them current")
        {
            UncomparedValueKeys = new HashSet<string> { "bytes", "length", "available_bytes", "available_length", "state" },
        },
        new("26c_account_usage_after_rule.txt", "account usage counters",
            "recorded before abacus-account ran (all 0); the Sandbox may keep usage current")
        {
            UncomparedValueKeys = new HashSet<string>(AccountUsageCounters),
        },
        new("32f_account_usage_after_complete.txt", "account usage counters",
            "recorded before abacus-account ran (all 0); the Sandbox may keep usage current")
        {
            UncomparedValueKeys = new HashSet<string>(AccountUsageCounters),
        },
    ];

    private static readonly Allowance None = new("", "", "");

    /// <summary>The allowances of one transcript merged into one (at most one entry per transcript today).</summary>
    public static Allowance For(string transcript)
    {
        var entries = Table.Where(a => a.Transcript == transcript).ToList();
        return entries.Count switch
        {
            0 => None,
            1 => entries[0],
            _ => throw new InvalidOperationException($"{transcript}: merge its allowances into one entry."),
        };
    }
}
