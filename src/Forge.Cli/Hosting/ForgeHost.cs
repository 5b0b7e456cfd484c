using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Hosting;

/// <summary>
/// The Microsoft.Extensions.Hosting host of one invocation: settings, logging (console channel in text or JSON,
/// optional log file) and the lifetime that turns SIGINT/SIGTERM/SIGHUP into a clean stop.
/// </summary>
internal static class ForgeHost
{
    public static IHost Build(ForgeSettings settings, ConsoleChannel channel, ForgeHostOptions options)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = options.WorkingDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(channel);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        // The host's own start/stop chatter is not the user's business, even at debug level.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var json = settings.Progress == "json";
        builder.Logging.AddProvider(new LineLoggerProvider(channel.WriteLine, json, timestamps: false));
        builder.Logging.AddProvider(new RetryEventProvider(channel));
        // Retries reach the progress events at any log level.
        builder.Logging.AddFilter<RetryEventProvider>("forge.sources", LogLevel.Trace);
        if (settings.LogFile is { } path)
        {
            var file = new LogFileWriter(path);
            builder.Services.AddSingleton(file);
            builder.Logging.AddProvider(new LineLoggerProvider(file.WriteLine, json, timestamps: true));
        }

        if (options.HandleSignals)
        {
            builder.Services.AddSingleton<SignalLifetime>();
            builder.Services.AddSingleton<IHostLifetime>(sp => sp.GetRequiredService<SignalLifetime>());
        }
        else
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        }

        return builder.Build();
    }
}
