using Microsoft.AspNetCore.Http.Json;
using Rucio.DataLake.Core.Clients;
using Rucio.DataLake.Core.Configuration;
using Rucio.DataLake.Core.Credentials;
using Rucio.DataLake.Core.State;
using Rucio.JupyterLab.Server.Features.Auth;
using Rucio.JupyterLab.Server.Features.Cache;
using Rucio.JupyterLab.Server.Features.Download;
using Rucio.JupyterLab.Server.Features.FileBrowser;
using Rucio.JupyterLab.Server.Features.Files;
using Rucio.JupyterLab.Server.Features.Health;
using Rucio.JupyterLab.Server.Features.Instances;
using Rucio.JupyterLab.Server.Features.Metrics;
using Rucio.JupyterLab.Server.Features.Notebook;
using Rucio.JupyterLab.Server.Features.Replica;
using Rucio.JupyterLab.Server.Features.Rses;
using Rucio.JupyterLab.Server.Features.Scopes;
using Rucio.JupyterLab.Server.Features.Search;
using Rucio.JupyterLab.Server.Features.Status;
using Rucio.JupyterLab.Server.Features.Upload;
using Rucio.JupyterLab.Server.Hosting;
using Rucio.JupyterLab.Server.Infrastructure;

namespace Rucio.JupyterLab.Server;

/// <summary>Composition root, in reading order: options, configuration, state, services, listener, routes.</summary>
internal static class BackendApp
{
    public const string RoutePrefix = "/rucio-jupyterlab";

    /// <exception cref="BackendOptionsException">The command line is wrong or the socket is in use.</exception>
    public static async Task<WebApplication> BuildAsync(string[] args, BackendOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        overrides ??= new BackendOverrides();
        var options = BackendOptionsParser.Parse(args, overrides.GetEnvironmentVariable);
        var time = overrides.Time ?? TimeProvider.System;

        // Configuration problems are collected and reported, never fatal: the valid instances keep working.
        var config = await LoadConfigurationAsync(options, overrides, cancellationToken);
        var state = await StateDatabase.OpenAsync(options.DataDirectory, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Options are parsed above; ASP.NET must not reinterpret the raw arguments.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        LoggingSetup.Configure(builder.Logging, options.LogLevel ?? config.LogLevel);
        overrides.Logging?.Invoke(builder.Logging);
        ListenerSetup.Configure(builder.WebHost, options);

        var services = builder.Services;
        // The bridge kills the backend 5 s after SIGTERM; draining open streams for longer would only end in that
        // kill. Transfers are safe to cut (temporary names, atomic renames) and queued jobs survive in SQLite.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(3));
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(config);
        services.AddSingleton(new RemoteConfigClient(overrides.RemoteConfig ?? new RemoteConfigOptions()));
        services.AddSingleton(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Rucio.JupyterLab.Server.Configuration");
            return new InstanceRegistry(config, provider.GetRequiredService<RemoteConfigClient>(), time, problem => LogProblem(logger, problem));
        });
        services.AddSingleton(state);
        services.AddSingleton<SettingsStore>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<CacheStore>();
        services.AddSingleton(overrides.ClientFactory ?? new RucioClientFactoryOptions());
        services.AddSingleton<RucioClientFactory>();
        services.AddSingleton<RucioSessionResolver>();
        services.AddSingleton<CredentialTester>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<RucioCallMetrics>();
        services.AddSingleton(new PathConfinement(HomeDirectory(overrides), options.RootDirectory));
        services.AddHostedService<RemoteConfigWarmUp>();

        // DID status (both modes), replica-mode rules, download queue.
        services.AddSingleton(overrides.StatusCache ?? new StatusCacheOptions());
        services.AddSingleton<DidStatusCache>();
        services.AddSingleton<DidStatusService>();
        services.AddSingleton<KeyedLock>();
        services.AddSingleton<RucioIdentity>();
        services.AddSingleton<RuleCollector>();
        services.AddSingleton<ReplicaStatusComputer>();
        services.AddSingleton<ReplicaActions>();
        services.AddSingleton(new DownloadSettings { Root = options.DownloadDirectory, JobParallelism = options.DownloadParallelism });
        services.AddSingleton(new VomsProxyProvider(Path.Combine(state.Directory, "proxies"), time));
        services.AddSingleton<DownloadService>();
        services.AddSingleton<DownloadStatusComputer>();
        services.AddSingleton<IHostedService>(provider => QueueWorker(provider, "download", provider.GetRequiredService<DownloadService>().RunAsync));

        // Uploads; both queues appear in the Transfers tab through ITransferSource.
        services.AddSingleton(new UploadSettings());
        services.AddSingleton(provider => new UploadPaths(provider.GetRequiredService<PathConfinement>(), options.RootDirectory));
        services.AddSingleton(new UploadLog(state.Directory, time));
        services.AddSingleton<UploadJobStore>();
        services.AddSingleton<UploadRunner>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<IHostedService>(provider => QueueWorker(provider, "upload", provider.GetRequiredService<UploadService>().RunAsync));
        services.AddSingleton<ITransferSource, DownloadTransferSource>();
        services.AddSingleton<ITransferSource>(provider => provider.GetRequiredService<UploadService>());
        if (options.SocketPath is not null)
        {
            var input = overrides.StandardInput ?? Console.OpenStandardInput();
            services.AddHostedService(provider => new OrphanGuard(
                input, provider.GetRequiredService<IHostApplicationLifetime>(), provider.GetRequiredService<ILogger<OrphanGuard>>()));
        }

        services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        // Malformed parameters and bodies then reach ApiErrorMiddleware and get the JSON error body.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);

        var app = builder.Build();
        ReportStaticProblems(app);
        ListenerSetup.AnnounceWhenStarted(app, options, overrides.ReadyOutput ?? Console.Out);

        // Routing first so metrics see the route template; metrics outside the error handler so they see its status.
        app.UseRouting();
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseMiddleware<JupyterUserScope>();
        app.UseMiddleware<ApiErrorMiddleware>();
        app.MapHealth();
        var api = app.MapGroup(RoutePrefix);
        api.MapInstances();
        api.MapAuth();
        api.MapScopes();
        api.MapRses();
        api.MapDidSearch();
        api.MapFiles();
        api.MapDidStatus();
        api.MapAvailability();
        api.MapTransfers();
        api.MapUpload();
        api.MapNotebook();
        api.MapFileBrowser();
        api.MapPurgeCache();
        api.MapMetrics();
        app.MapFallback(RoutePrefix + "/{**rest}", (string rest) =>
            Results.Json(new ApiErrorBody($"Unknown route '{rest}' of the Rucio JupyterLab backend."), statusCode: StatusCodes.Status404NotFound));
        return app;
    }

    private static async Task<RucioConfig> LoadConfigurationAsync(BackendOptions options, BackendOverrides overrides, CancellationToken cancellationToken)
    {
        var file = options.ConfigPath is { } path
            ? await ConfigDocumentReader.ReadFileAsync(path, cancellationToken)
            : ConfigSource.Empty;

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in EnvironmentConfigReader.InstanceVariables.Keys.Concat(EnvironmentConfigReader.GlobalVariables.Keys))
        {
            if (overrides.GetEnvironmentVariable(name) is { } value)
            {
                variables[name] = value;
            }
        }

        return RucioConfigBuilder.Build(file, EnvironmentConfigReader.Read(variables));
    }

    /// <summary>A hosted worker for one job queue (AddSingleton, not AddHostedService: both are the same type).</summary>
    private static JobQueueWorker QueueWorker(IServiceProvider provider, string queue, Func<CancellationToken, Task> run) =>
        new(queue, run, provider.GetRequiredService<ILogger<JobQueueWorker>>());

    private static string HomeDirectory(BackendOverrides overrides) =>
        overrides.GetEnvironmentVariable("HOME") is { Length: > 0 } home
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static void ReportStaticProblems(WebApplication app)
    {
        var registry = app.Services.GetRequiredService<InstanceRegistry>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Rucio.JupyterLab.Server.Configuration");
        foreach (var problem in registry.StaticProblems)
        {
            LogProblem(logger, problem);
        }
    }

    private static void LogProblem(ILogger logger, ConfigProblem problem)
    {
        if (problem.Severity == ConfigProblemSeverity.Error)
        {
            logger.LogError("Configuration: {Problem}", problem.Message);
        }
        else
        {
            logger.LogWarning("Configuration: {Problem}", problem.Message);
        }
    }
}
