using Rucio.Sandbox.Accounts;
using Rucio.Sandbox.Auth;
using Rucio.Sandbox.Dids;
using Rucio.Sandbox.Infrastructure;
using Rucio.Sandbox.Replicas;
using Rucio.Sandbox.Rses;
using Rucio.Sandbox.Rules;
using Rucio.Sandbox.Scopes;
using Rucio.Sandbox.Seeding;
using Rucio.Sandbox.Storage;
using Rucio.Sandbox.Tls;
using Rucio.Sandbox.Transfers;

namespace Rucio.Sandbox;

/// <summary>Composition root of the Sandbox: options, services, seeding, endpoints and workers, in reading order.</summary>
internal static class SandboxApp
{
    /// <summary>Builds the (not yet started) server; throws <see cref="SandboxOptionsException"/> on bad flags.</summary>
    public static WebApplication Build(string[] args) => Build(args, configureServices: null);

    /// <summary>
    /// As <see cref="Build(string[])"/>, letting tests replace services before the app is built (for example a
    /// FakeTimeProvider registered as <see cref="TimeProvider"/>; the last registration wins).
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices)
    {
        var options = SandboxOptionsParser.Parse(args);
        Directory.CreateDirectory(options.RseRootDirectory);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Flags are parsed above; ASP.NET must not reinterpret the raw arguments.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        AddServices(builder.Services, options);
        configureServices?.Invoke(builder.Services);
        builder.ConfigureSandboxTls(options);

        var app = builder.Build();
        var database = app.Services.GetRequiredService<SandboxDatabase>();
        database.Initialize();
        Seed(app.Services, options);

        app.UseMiddleware<RucioErrorMiddleware>();
        app.Use(FlaskRedirect.StrictSlashAsync);
        app.UseRouting();
        app.MapGet("/ping", (HttpContext context) => RucioResults.Jsonify(context, new PyDict { { "version", "1.31.7" } }));
        app.MapAuth();
        app.MapAccounts();
        app.MapAccountLimits();
        app.MapScopes();
        app.MapRses();
        app.MapDids();
        app.MapReplicas();
        app.MapRules();
        app.MapRequests();
        app.MapStorage();
        app.MapFallback(FlaskNotFound.WriteAsync);
        return app;
    }

    private static void AddServices(IServiceCollection services, SandboxOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SandboxDatabase>();
        services.AddSingleton<StorageLayout>();
        services.AddSingleton<JwtSigner>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<RequireTokenFilter>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<RseAdministration>();
        services.AddSingleton<DidService>();
        services.AddSingleton<DidQueries>();
        services.AddSingleton<DidSearch>();
        services.AddSingleton<ReplicaListing>();
        services.AddSingleton<ReplicaRegistration>();
        services.AddSingleton<RuleBookkeeping>();
        services.AddSingleton<RuleEngine>();
        services.AddSingleton<RuleQueries>();
        services.AddSingleton<RuleAdministration>();
        services.AddSingleton<SandboxSeeder>();
        services.AddSingleton<SandboxStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxStartup>());
        services.AddHostedService<TransferWorker>();
        services.AddHostedService<RuleCleaner>();
    }

    /// <summary>Seeding happens before start, so a started Sandbox always has its data.</summary>
    private static void Seed(IServiceProvider services, SandboxOptions options)
    {
        var seeder = services.GetRequiredService<SandboxSeeder>();
        seeder.SeedBaseAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (options.SeedDemo)
        {
            seeder.SeedDemoAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        if (options.SeedLargeCount > 0)
        {
            seeder.SeedLargeAsync(options.SeedLargeCount, CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}
