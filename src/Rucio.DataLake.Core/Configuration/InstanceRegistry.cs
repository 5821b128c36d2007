namespace Rucio.DataLake.Core.Configuration;

/// <summary>The usable instances at one moment, in declaration order, and every current configuration problem.</summary>
internal sealed record InstanceSnapshot(IReadOnlyList<InstanceConfig> Instances, IReadOnlyList<ConfigProblem> Problems)
{
    public InstanceConfig? Find(string name) => Instances.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal));
}

/// <summary>
/// The resolved instances. Instances without <c>$url</c> are validated once; an instance with <c>$url</c> is merged
/// with its remote document (local keys win), which is cached for a TTL. A failed refresh keeps serving the last
/// good document; an instance whose document was never fetched is unavailable and reported, and fetching is retried
/// after <see cref="RemoteConfigOptions.RetryAfterFailure"/>. Concurrent requests share one fetch per instance.
/// </summary>
internal sealed class InstanceRegistry
{
    private readonly RucioConfig _config;
    private readonly RemoteConfigClient _remote;
    private readonly TimeProvider _time;
    private readonly Action<ConfigProblem>? _onRemoteProblem;
    private readonly Slot[] _slots;
    private readonly IReadOnlyList<ConfigProblem> _staticProblems;

    public InstanceRegistry(RucioConfig config, RemoteConfigClient remote, TimeProvider time, Action<ConfigProblem>? onRemoteProblem = null)
    {
        _config = config;
        _remote = remote;
        _time = time;
        _onRemoteProblem = onRemoteProblem;

        var problems = new List<ConfigProblem>(config.Problems);
        var slots = new List<Slot>();
        foreach (var raw in config.Instances)
        {
            if (raw.RemoteUrl is not null && Uri.TryCreate(raw.RemoteUrl, UriKind.Absolute, out var url)
                && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                slots.Add(new Slot(raw, url));
            }
            else
            {
                slots.Add(new Slot(raw, null) { Config = InstanceValidator.Validate(raw, problems) });
            }
        }

        _slots = [.. slots];
        _staticProblems = problems;
    }

    public RucioConfig Config => _config;

    /// <summary>Problems known without any network access (file, environment, local keys).</summary>
    public IReadOnlyList<ConfigProblem> StaticProblems => _staticProblems;

    /// <summary>The current instances; waits for a remote fetch only when an instance has never been fetched.</summary>
    public async ValueTask<InstanceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var instances = new List<InstanceConfig>(_slots.Length);
        var problems = new List<ConfigProblem>(_staticProblems);
        foreach (var slot in _slots)
        {
            if (slot.RemoteUrl is not null)
            {
                await EnsureRemoteAsync(slot, cancellationToken);
                problems.AddRange(slot.RemoteProblems);
            }

            if (slot.Config is { } config)
            {
                instances.Add(config);
            }
        }

        return new InstanceSnapshot(instances, problems);
    }

    /// <summary>The instance named <paramref name="name"/>, or null when it is unknown or currently unusable.</summary>
    public async ValueTask<InstanceConfig?> FindAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var slot in _slots)
        {
            if (string.Equals(slot.Local.Name, name, StringComparison.Ordinal))
            {
                if (slot.RemoteUrl is not null)
                {
                    await EnsureRemoteAsync(slot, cancellationToken);
                }

                return slot.Config;
            }
        }

        return null;
    }

    /// <summary>Fetches every remote document now (used at start so the first request does not wait).</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(_slots.Where(s => s.RemoteUrl is not null).Select(s => EnsureRemoteAsync(s, cancellationToken).AsTask()));

    /// <summary>Forgets every fetched document's freshness so the next use fetches again (purge-cache).</summary>
    public void ExpireRemoteDocuments()
    {
        foreach (var slot in _slots)
        {
            lock (slot)
            {
                slot.RefreshAt = DateTimeOffset.MinValue;
            }
        }
    }

    private ValueTask EnsureRemoteAsync(Slot slot, CancellationToken cancellationToken)
    {
        Task fetch;
        lock (slot)
        {
            if (_time.GetUtcNow() < slot.RefreshAt)
            {
                return ValueTask.CompletedTask;
            }

            // One fetch per instance however many requests arrive; it is not tied to any one request's token.
            slot.Fetch ??= FetchAsync(slot);
            fetch = slot.Fetch;
            if (slot.HasBeenFetched)
            {
                // Stale-while-revalidate: a good copy exists, serve it and let the refresh finish in the background.
                return ValueTask.CompletedTask;
            }
        }

        return new ValueTask(fetch.WaitAsync(cancellationToken));
    }

    private async Task FetchAsync(Slot slot)
    {
        await Task.Yield();
        var url = slot.RemoteUrl!;
        var name = slot.Local.Name;
        var problems = new List<ConfigProblem>();
        InstanceConfig? config = null;
        RemoteConfigException? failure = null;
        try
        {
            var remote = await _remote.FetchAsync(url, slot.Local.GetString(ConfigKeys.CaCert), CancellationToken.None);
            config = InstanceValidator.Validate(slot.Local.FillFrom(remote, ConfigKeys.LocalOnlyKeys), problems);
        }
        catch (RemoteConfigException ex)
        {
            failure = ex;
        }

        var now = _time.GetUtcNow();
        lock (slot)
        {
            slot.Fetch = null;
            if (failure is null)
            {
                slot.Config = config;
                slot.HasBeenFetched = true;
                slot.RemoteProblems = problems;
                slot.RefreshAt = now + _remote.Options.TimeToLive;
            }
            else
            {
                var problem = slot.HasBeenFetched && slot.Config is not null
                    ? ConfigProblem.InstanceWarning(name, ConfigKeys.RemoteUrl,
                        $"refreshing the remote configuration failed ({failure.Message}); the copy fetched earlier is still used.")
                    : ConfigProblem.InstanceError(name, ConfigKeys.RemoteUrl,
                        $"the remote configuration could not be fetched ({failure.Message}); the instance is unavailable until it can be. Next attempt in {_remote.Options.RetryAfterFailure.TotalSeconds:0} s.");
                slot.RemoteProblems = [problem];
                slot.RefreshAt = now + _remote.Options.RetryAfterFailure;
                problems.Add(problem);
            }
        }

        foreach (var problem in problems)
        {
            _onRemoteProblem?.Invoke(problem);
        }
    }

    private sealed class Slot(RawInstance local, Uri? remoteUrl)
    {
        public RawInstance Local { get; } = local;

        public Uri? RemoteUrl { get; } = remoteUrl;

        public InstanceConfig? Config { get; set; }

        public bool HasBeenFetched { get; set; }

        public IReadOnlyList<ConfigProblem> RemoteProblems { get; set; } = [];

        public DateTimeOffset RefreshAt { get; set; } = DateTimeOffset.MinValue;

        public Task? Fetch { get; set; }
    }
}
