using Rucio.DataLake.Core.Credentials;

namespace Rucio.DataLake.Core.Configuration;

/// <summary>
/// Merges the configuration file and the environment into one <see cref="RucioConfig"/>. Precedence, key by key:
/// the file wins; the environment only fills keys the file's instance of the same name lacks (and declares its own
/// instance when the file has none of that name); a remote <c>$url</c> document fills what both lack (see
/// <see cref="InstanceRegistry"/>). Global keys follow the same rule.
/// </summary>
internal static class RucioConfigBuilder
{
    private static readonly string[] LogLevels = ["debug", "info", "warning", "error", "critical"];

    public static RucioConfig Build(ConfigSource file, ConfigSource environment)
    {
        var problems = new List<ConfigProblem>(file.Problems.Count + environment.Problems.Count);
        problems.AddRange(file.Problems);
        problems.AddRange(environment.Problems);

        var instances = new List<RawInstance>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var position = 0;
        foreach (var instance in file.Instances)
        {
            position++;
            var name = instance.Name;
            if (name is null)
            {
                problems.Add(new ConfigProblem(ConfigProblemSeverity.Error, null, ConfigKeys.Name,
                    $"Instance #{position} of 'instances' has no 'name' (a non-empty text); it is ignored."));
                continue;
            }

            if (!byName.TryAdd(name, instances.Count))
            {
                problems.Add(ConfigProblem.InstanceError(name, ConfigKeys.Name,
                    $"is declared more than once; entry #{position} of 'instances' is ignored."));
                continue;
            }

            instances.Add(instance);
        }

        foreach (var fromEnvironment in environment.Instances)
        {
            var name = fromEnvironment.Name!;
            if (byName.TryGetValue(name, out var index))
            {
                instances[index] = instances[index].FillFrom(fromEnvironment);
            }
            else
            {
                byName[name] = instances.Count;
                instances.Add(fromEnvironment);
            }
        }

        var globals = new Dictionary<string, RawValue>(file.Globals, StringComparer.Ordinal);
        foreach (var (key, value) in environment.Globals)
        {
            globals.TryAdd(key, value);
        }

        return new RucioConfig
        {
            Instances = instances,
            DefaultInstance = ReadDefaultInstance(globals, byName, problems),
            DefaultAuthType = ReadDefaultAuthType(globals, problems),
            LogLevel = ReadLogLevel(globals, problems),
            Problems = problems,
        };
    }

    private static string? ReadDefaultInstance(Dictionary<string, RawValue> globals, Dictionary<string, int> declared, List<ConfigProblem> problems)
    {
        if (ReadText(globals, ConfigKeys.DefaultInstance, problems) is not { } name)
        {
            return null;
        }

        if (!declared.ContainsKey(name))
        {
            problems.Add(ConfigProblem.Global(ConfigProblemSeverity.Warning, ConfigKeys.DefaultInstance,
                $"names the instance '{name}'{globals[ConfigKeys.DefaultInstance].OriginSuffix}, which is not declared; no instance is pre-selected."));
            return null;
        }

        return name;
    }

    private static AuthType? ReadDefaultAuthType(Dictionary<string, RawValue> globals, List<ConfigProblem> problems)
    {
        if (ReadText(globals, ConfigKeys.DefaultAuthType, problems) is not { } text)
        {
            return null;
        }

        if (AuthTypeNames.TryParse(text, out var type))
        {
            return type;
        }

        problems.Add(ConfigProblem.Global(ConfigProblemSeverity.Warning, ConfigKeys.DefaultAuthType,
            $"must be one of {string.Join(", ", AuthTypeNames.All)}, not \"{text}\"{globals[ConfigKeys.DefaultAuthType].OriginSuffix}; it is ignored."));
        return null;
    }

    private static ConfiguredLogLevel ReadLogLevel(Dictionary<string, RawValue> globals, List<ConfigProblem> problems)
    {
        if (ReadText(globals, ConfigKeys.LogLevel, problems) is not { } text)
        {
            return ConfiguredLogLevel.Warning;
        }

        if (TryParseLogLevel(text, out var level))
        {
            return level;
        }

        problems.Add(ConfigProblem.Global(ConfigProblemSeverity.Warning, ConfigKeys.LogLevel,
            $"must be one of {string.Join(", ", LogLevels)}, not \"{text}\"{globals[ConfigKeys.LogLevel].OriginSuffix}; \"warning\" is used."));
        return ConfiguredLogLevel.Warning;
    }

    public static bool TryParseLogLevel(string? text, out ConfiguredLogLevel level)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "debug":
                level = ConfiguredLogLevel.Debug;
                return true;
            case "info":
                level = ConfiguredLogLevel.Info;
                return true;
            case "warning" or "warn":
                level = ConfiguredLogLevel.Warning;
                return true;
            case "error":
                level = ConfiguredLogLevel.Error;
                return true;
            case "critical":
                level = ConfiguredLogLevel.Critical;
                return true;
            default:
                level = ConfiguredLogLevel.Warning;
                return false;
        }
    }

    private static string? ReadText(Dictionary<string, RawValue> globals, string key, List<ConfigProblem> problems)
    {
        if (!globals.TryGetValue(key, out var raw) || raw.Value.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return null;
        }

        if (raw.Value.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            problems.Add(ConfigProblem.Global(ConfigProblemSeverity.Warning, key,
                $"must be text, not {ConfigDocumentReader.Describe(raw.Value)}{raw.OriginSuffix}; it is ignored."));
            return null;
        }

        var text = raw.Value.GetString()!.Trim();
        return text.Length == 0 ? null : text;
    }
}
