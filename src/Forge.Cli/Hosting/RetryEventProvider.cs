using Microsoft.Extensions.Logging;

namespace Forge.Cli.Hosting;

/// <summary>
/// Turns the fetcher's source-generated retry message (forge.sources, event 2: url, attempt, reason) into a progress
/// event, whatever the log level: a JSON consumer sees every retry even when logs are quiet.
/// </summary>
internal sealed class RetryEventProvider(ConsoleChannel channel) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => categoryName == "forge.sources" ? new RetryLogger(channel) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose() { }

    private sealed class RetryLogger(ConsoleChannel channel) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => channel.RetryObserver is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != 2 || channel.RetryObserver is not { } observer || state is not IReadOnlyList<KeyValuePair<string, object?>> values) return;
            string url = "", reason = "";
            var attempt = 0;
            foreach (var (k, v) in values)
            {
                switch (k)
                {
                    case "Url": url = v?.ToString() ?? ""; break;
                    case "Reason": reason = v?.ToString() ?? ""; break;
                    case "Attempt" when v is int a: attempt = a; break;
                }
            }

            observer(url, attempt, reason);
        }
    }
}
