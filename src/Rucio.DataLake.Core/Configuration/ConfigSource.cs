namespace Rucio.DataLake.Core.Configuration;

/// <summary>What one source (the configuration file or the environment) declares, before merging and validation.</summary>
internal sealed record ConfigSource
{
    public static readonly ConfigSource Empty = new();

    public IReadOnlyList<RawInstance> Instances { get; init; } = [];

    public IReadOnlyDictionary<string, RawValue> Globals { get; init; } = new Dictionary<string, RawValue>();

    public IReadOnlyList<ConfigProblem> Problems { get; init; } = [];
}
