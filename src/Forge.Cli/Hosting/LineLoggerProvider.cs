using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Hosting;

/// <summary>
/// One line per log entry: "warn: forge.sources: retry 1 of …" for people, or a JSON object (time, level, category,
/// id, message and the message's named values) with <c>--progress json</c>. Writes to the console channel or a file.
/// </summary>
internal sealed class LineLoggerProvider(Action<string> write, bool json, bool timestamps) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(categoryName, write, json, timestamps);

    public void Dispose() { }

    private sealed class LineLogger(string category, Action<string> write, bool json, bool timestamps) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (json)
            {
                var obj = new JsonObject
                {
                    ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                    ["event"] = "log",
                    ["level"] = LevelName(logLevel),
                    ["category"] = category,
                    ["id"] = eventId.Id,
                    ["message"] = message,
                };
                if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
                {
                    foreach (var (k, v) in values)
                    {
                        if (k == "{OriginalFormat}" || obj.ContainsKey(k)) continue;
                        obj[k] = v switch
                        {
                            null => null,
                            int or long or double or float or bool or decimal => JsonValue.Create(v),
                            _ => Convert.ToString(v, CultureInfo.InvariantCulture),
                        };
                    }
                }

                if (exception is not null) obj["exception"] = exception.Message;
                write(obj.ToJsonString());
                return;
            }

            var stamp = timestamps ? DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ ", CultureInfo.InvariantCulture) : "";
            write($"{stamp}{ShortName(logLevel)}: {category}: {message}{(exception is null ? "" : ": " + exception.Message)}");
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "information",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    private static string ShortName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
