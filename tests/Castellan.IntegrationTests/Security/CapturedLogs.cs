using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Security;

/// <summary>Keeps every log line at every level: message, structured values, scopes and exceptions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (k, v) in values) line.Append($" [{k}={v}]");
            }
            owner._scopes?.ForEachScope((scope, sb) => sb.Append($" scope[{scope}]"), line);
            if (exception is not null) line.Append(' ').Append(exception);
            owner.Lines.Enqueue(line.ToString());
        }
    }
}

/// <summary>A SQLite server whose every log line, down to Trace, is captured for inspection.</summary>
public sealed class LogCapturingServer : CastellanServer
{
    public CapturingLoggerProvider Logs { get; } = new();

    public override string StorageName => "sqlite";

    protected override Task<IReadOnlyList<string>> StorageArgumentsAsync() => Task.FromResult<IReadOnlyList<string>>(["--Castellan:Storage:Provider", "sqlite"]);

    protected override void ConfigureHost(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(Logs);
        // A provider-specific rule beats the "Default: Warning" the test servers run with.
        builder.Logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
    }
}
