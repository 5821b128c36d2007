using System.Collections.Concurrent;

namespace Rucio.JupyterLab.Server.Tests.Support;

/// <summary>Keeps every log line (with exception texts) so tests can check that secrets never reach the log.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    /// <summary>Scopes of the current async flow, innermost last, shared by every logger as the console's are.</summary>
    private static readonly AsyncLocal<ImmutableScopes?> Scopes = new();

    private sealed record ImmutableScopes(ImmutableScopes? Outer, string Text);

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            var outer = Scopes.Value;
            Scopes.Value = new ImmutableScopes(outer, state.ToString() ?? "");
            return new ScopeExit(outer);
        }

        // Everything, debug included: the strictest check of what could leak.
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = "";
            for (var scope = Scopes.Value; scope is not null; scope = scope.Outer)
            {
                scopes = $" => {scope.Text}{scopes}";
            }

            lines.Enqueue($"{logLevel} {category}{scopes}: {formatter(state, exception)} {exception}");
        }
    }

    private sealed class ScopeExit(ImmutableScopes? outer) : IDisposable
    {
        public void Dispose() => Scopes.Value = outer;
    }
}
