using System.Text.Json;

namespace Rucio.DataLake.Core.Configuration;

/// <summary>
/// Reads a configuration document: a bare <c>RucioConfig</c> object (<c>{"instances":[…],…}</c>) or a Jupyter
/// config file holding one under <c>"RucioConfig"</c>. Never throws for bad content: every problem is reported.
/// </summary>
internal static class ConfigDocumentReader
{
    private const string SectionName = "RucioConfig";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Hand-edited files: tolerate what Python's json would reject but is unambiguous.
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static async Task<ConfigSource> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed($"Cannot read the configuration file '{path}': {ex.Message}");
        }

        return Read(text, $"the configuration file '{path}'");
    }

    /// <param name="text">The JSON document.</param>
    /// <param name="description">How messages name the document, e.g. "the configuration file '/x.json'".</param>
    public static ConfigSource Read(string text, string description)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Failed($"Cannot parse {description} as JSON (line {ex.LineNumber + 1}): {FirstSentence(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Failed($"{Capitalize(description)} must hold a JSON object, not {Describe(root)}.");
            }

            if (root.TryGetProperty(SectionName, out var section))
            {
                if (section.ValueKind != JsonValueKind.Object)
                {
                    return Failed($"'{SectionName}' in {description} must be a JSON object, not {Describe(section)}.");
                }

                root = section;
            }

            return ReadSection(root);
        }
    }

    private static ConfigSource ReadSection(JsonElement section)
    {
        var problems = new List<ConfigProblem>();
        var globals = new Dictionary<string, RawValue>(StringComparer.Ordinal);
        var instances = new List<RawInstance>();

        foreach (var property in section.EnumerateObject())
        {
            if (property.Name == ConfigKeys.Instances)
            {
                ReadInstances(property.Value, instances, problems);
            }
            else if (ConfigKeys.GlobalKeys.Contains(property.Name))
            {
                globals[property.Name] = new RawValue(property.Value.Clone(), RawValue.FileOrigin);
            }
            else
            {
                problems.Add(ConfigProblem.Global(ConfigProblemSeverity.Warning, property.Name, "unknown key, ignored."));
            }
        }

        return new ConfigSource { Instances = instances, Globals = globals, Problems = problems };
    }

    private static void ReadInstances(JsonElement value, List<RawInstance> instances, List<ConfigProblem> problems)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(ConfigProblem.Global(ConfigProblemSeverity.Error, ConfigKeys.Instances, $"must be a list of instance objects, not {Describe(value)}."));
            return;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add(ConfigProblem.Global(ConfigProblemSeverity.Error, ConfigKeys.Instances, $"entry #{index} must be an object, not {Describe(item)}; it is ignored."));
                continue;
            }

            var values = new Dictionary<string, RawValue>(StringComparer.Ordinal);
            foreach (var property in item.EnumerateObject())
            {
                values[property.Name] = new RawValue(property.Value.Clone(), RawValue.FileOrigin);
            }

            instances.Add(new RawInstance(values));
        }
    }

    private static ConfigSource Failed(string message) => new()
    {
        Problems = [ConfigProblem.Global(ConfigProblemSeverity.Error, null, message)],
    };

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the text \"{Shorten(value.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => "an unreadable value",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
