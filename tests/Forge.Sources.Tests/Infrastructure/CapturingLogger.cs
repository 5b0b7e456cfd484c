using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Forge.Sources.Tests.Infrastructure;

/// <summary>An ILogger that keeps every formatted message (and exception text) for assertions.</summary>
public sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} {exception}");
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs) Lines.Enqueue($"  {key}={value}");
        }
    }

    public string All => string.Join('\n', Lines);
}
