using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Hosting;

/// <summary>
/// The host lifetime of the real process: SIGINT (Ctrl-C), SIGTERM, SIGHUP (the terminal went away) and SIGQUIT all
/// stop the application the same way, so in-flight work is abandoned, finished work is kept and the exit code is 130.
/// A second SIGINT while stopping is left to its default action (kill), as users expect from a second Ctrl-C.
/// The signal is acknowledged on stderr at once (a warning), before in-flight work has wound down.
/// </summary>
internal sealed partial class SignalLifetime(IHostApplicationLifetime application, ILoggerFactory loggers) : IHostLifetime, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("forge.run");

    private readonly List<PosixSignalRegistration> _registrations = [];

    /// <summary>The signal that stopped the run, if any.</summary>
    public PosixSignal? Received { get; private set; }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            _registrations.Add(PosixSignalRegistration.Create(signal, Handle));
        return Task.CompletedTask;
    }

    private void Handle(PosixSignalContext context)
    {
        if (Received is not null && context.Signal == PosixSignal.SIGINT) return;
        context.Cancel = true;
        var first = Received is null;
        Received ??= context.Signal;
        // Acknowledge before stopping: StopApplication runs the cancellation callbacks synchronously, and one that
        // waits (on a full stdout pipe, say) would hold the acknowledgement back until the run wound down.
        if (first) StopRequested(_logger, context.Signal.ToString());
        application.StopApplication();
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "{Signal} received: stopping; finished work is kept and a rerun resumes (a second Ctrl-C kills)")]
    private static partial void StopRequested(ILogger logger, string signal);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _registrations.Clear();
    }
}

/// <summary>In-process hosting (tests, embedding): no signal handlers; cancellation comes from the caller's token.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
