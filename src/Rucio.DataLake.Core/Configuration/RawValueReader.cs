using System.Globalization;
using System.Text.Json;

namespace Rucio.DataLake.Core.Configuration;

/// <summary>
/// Typed reads of one instance's raw keys. Each failed read records one problem naming the instance, the key and
/// the source of the value; JSON null counts as absent (the Docker <c>configure.py</c> wrote nulls for unset keys).
/// Strings are accepted for booleans and numbers because environment variables and Python configs produce them.
/// </summary>
internal sealed class RawValueReader(RawInstance instance, string? instanceName, List<ConfigProblem> problems)
{
    public bool HasErrors { get; private set; }

    public bool Has(string key) => TryGet(key, out _);

    public string? String(string key, bool required = false)
    {
        if (!TryGet(key, out var raw))
        {
            if (required)
            {
                Error(key, "is required but not set.");
            }

            return null;
        }

        if (raw.Value.ValueKind != JsonValueKind.String)
        {
            Error(key, $"must be text, not {ConfigDocumentReader.Describe(raw.Value)}{raw.OriginSuffix}.");
            return null;
        }

        var text = raw.Value.GetString()!.Trim();
        if (text.Length == 0)
        {
            if (required)
            {
                Error(key, $"is required but empty{raw.OriginSuffix}.");
            }

            return null;
        }

        return text;
    }

    public Uri? Url(string key, IReadOnlySet<string> schemes, bool required = false)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme) || string.IsNullOrEmpty(uri.Host))
        {
            Error(key, $"must be an absolute {string.Join("/", schemes)} URL, not \"{text}\"{Origin(key)}.");
            return null;
        }

        return uri;
    }

    public bool Boolean(string key)
    {
        if (!TryGet(key, out var raw))
        {
            return false;
        }

        switch (raw.Value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number when raw.Value.TryGetInt32(out var number) && number is 0 or 1:
                return number == 1;
            case JsonValueKind.String:
                switch (raw.Value.GetString()!.Trim().ToLowerInvariant())
                {
                    case "1" or "true" or "yes" or "on":
                        return true;
                    case "0" or "false" or "no" or "off" or "":
                        return false;
                }

                break;
        }

        Error(key, $"must be true or false (or \"1\"/\"0\"), not {ConfigDocumentReader.Describe(raw.Value)}{raw.OriginSuffix}.");
        return false;
    }

    public int? Integer(string key, int min, int max)
    {
        if (!TryGet(key, out var raw))
        {
            return null;
        }

        int value;
        if (raw.Value.ValueKind == JsonValueKind.Number && raw.Value.TryGetInt32(out var number))
        {
            value = number;
        }
        else if (raw.Value.ValueKind == JsonValueKind.String
                 && int.TryParse(raw.Value.GetString()!.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
        }
        else
        {
            Error(key, $"must be a whole number, not {ConfigDocumentReader.Describe(raw.Value)}{raw.OriginSuffix}.");
            return null;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {min} and {max}, not {value}{raw.OriginSuffix}.");
            return null;
        }

        return value;
    }

    /// <summary>Reads one of <paramref name="allowed"/> (case-insensitive), returning the matching entry.</summary>
    public string? Choice(string key, IReadOnlyList<string> allowed)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, text, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        Error(key, $"must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, not \"{text}\"{Origin(key)}.");
        return null;
    }

    public void Error(string key, string detail)
    {
        HasErrors = true;
        problems.Add(ConfigProblem.InstanceError(instanceName, key, detail));
    }

    public void Warning(string key, string detail) => problems.Add(ConfigProblem.InstanceWarning(instanceName, key, detail));

    public string Origin(string key) => instance.Values.TryGetValue(key, out var raw) ? raw.OriginSuffix : "";

    private bool TryGet(string key, out RawValue raw) =>
        instance.Values.TryGetValue(key, out raw) && raw.Value.ValueKind != JsonValueKind.Null;
}
