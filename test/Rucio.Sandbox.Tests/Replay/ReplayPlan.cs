using System.Globalization;

namespace Rucio.Sandbox.Tests.Replay;

/// <summary>One step of the replay: a transcript file or an interlude.</summary>
internal sealed record ReplayStep(DateTimeOffset RecordedAt, Transcript? Transcript, Interlude? Interlude)
{
    public string Name => Transcript?.FileName ?? Interlude!.Name;
}

/// <summary>
/// Loads the transcripts and puts them in recording order. File names do not give that order: each recorded session
/// authenticated anew, and e.g. all of 13b2/13c/13e/13f (token 2529..) ran after 13c0/13d/14*/15h (token 82df..),
/// which is the only order in which 13c0 is a 404, 13c hits a closed dataset and 15c counts 3 files. So a step's
/// time is the issue time of the token it uses (expiry minus the recording server's 1 h lifetime); steps without
/// a token inherit the time of the file before them; ties keep file-name order, except where a later recording
/// shows that the file names invert the order (<see cref="OrderCorrections"/>).
/// </summary>
internal static class ReplayPlan
{
    /// <summary>Files that are not raw HTTP, with the reason; they are never replayed.</summary>
    public static IReadOnlyDictionary<string, string> Excluded { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["client_cli.txt"] = "terminal output of the rucio CLI, not HTTP; its state changes are replayed as interludes",
        ["client_python_api.txt"] = "printed results of rucio.client.Client, not HTTP; its state changes are replayed as interludes",
    };

    /// <summary>Recorded pairs whose file names invert the recording order: (step, must run before, why).</summary>
    private static readonly (string Step, string Before, string Why)[] OrderCorrections =
    [
        ("05_add_protocol_LOCAL-RSE1.txt", "04b_add_rse_duplicate.txt", "04c already lists the file protocol"),
        ("05_add_protocol_LOCAL-RSE2.txt", "04b_add_rse_duplicate.txt", "set up with LOCAL-RSE1's protocol"),
        ("06_set_attr_LOCAL-RSE1.txt", "04b_add_rse_duplicate.txt", "04e selects both RSEs by type and tier"),
        ("06_set_attr_LOCAL-RSE2.txt", "04b_add_rse_duplicate.txt", "04e selects both RSEs by type and tier"),
        ("10a_add_dataset_invalid_project_meta.txt", "10_add_dataset.txt",
            "10a is the failed first attempt to create dataset1; 10 is the create that followed it"),
    ];

    private static readonly TimeSpan RecordingTokenLifetime = TimeSpan.FromHours(1);

    public static string TranscriptDirectory => Path.Combine(AppContext.BaseDirectory, "Transcripts");

    public static IReadOnlyList<Transcript> LoadTranscripts() =>
        Directory.EnumerateFiles(TranscriptDirectory, "*.txt")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !Excluded.ContainsKey(name))
            .Order(StringComparer.Ordinal)
            .Select(name => TranscriptParser.Parse(name, File.ReadAllText(Path.Combine(TranscriptDirectory, name))))
            .ToList();

    public static IReadOnlyList<ReplayStep> Build(IReadOnlyList<Transcript> transcripts)
    {
        var issuedAt = TokenIssueTimes(transcripts);
        var steps = new List<ReplayStep>();
        var inherited = DateTimeOffset.MinValue;
        foreach (var transcript in transcripts.OrderBy(t => t.FileName, StringComparer.Ordinal))
        {
            var time = SessionTime(transcript, issuedAt) ?? inherited;
            inherited = time;
            steps.Add(new ReplayStep(time, transcript, null));
        }

        steps.AddRange(Interludes.All.Select(i => new ReplayStep(i.RecordedAt, null, i)));
        var ordered = steps.OrderBy(s => s.RecordedAt).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        foreach (var (step, before, _) in OrderCorrections)
        {
            var moving = ordered.Single(s => s.Name == step);
            ordered.Remove(moving);
            ordered.Insert(ordered.FindIndex(s => s.Name == before), moving);
        }

        return ordered;
    }

    private static Dictionary<string, DateTimeOffset> TokenIssueTimes(IEnumerable<Transcript> transcripts)
    {
        var times = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var response in transcripts.SelectMany(t => t.Exchanges).Select(e => e.Response))
        {
            var token = response.Header(TokenBroker.TokenHeader);
            var expires = response.Header("X-Rucio-Auth-Token-Expires");
            if (token is not null && expires is not null)
            {
                times[token] = ParseRucioDate(expires) - RecordingTokenLifetime;
            }
        }

        return times;
    }

    private static DateTimeOffset? SessionTime(Transcript transcript, Dictionary<string, DateTimeOffset> issuedAt)
    {
        foreach (var exchange in transcript.Exchanges)
        {
            var used = exchange.Request.Header(TokenBroker.TokenHeader);
            if (used is not null && issuedAt.TryGetValue(used, out var time))
            {
                return time;
            }

            var issued = exchange.Response.Header(TokenBroker.TokenHeader);
            if (issued is not null)
            {
                return issuedAt[issued];
            }
        }

        return null;
    }

    /// <summary>Parses Rucio's "Sun, 22 Nov 2026 19:51:31 UTC" date format.</summary>
    public static DateTimeOffset ParseRucioDate(string text) =>
        DateTimeOffset.ParseExact(text, "ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
