using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Forge.Cli.Hosting;

/// <summary>
/// The host lifetime of the real process: SIGINT (Ctrl-C), SIGTERM, SIGHUP (the terminal went away) and SIGQUIT all
/// stop the application the same way, so in-flight work is abandoned, finished work is kept and the exit code is 130.
/// A second SIGINT while stopping is left to its default action (kill), as users expect from a second Ctrl-C.
/// </summary>
internal sealed class SignalLifetime(IHostApplicationLifetime application) : IHostLifetime, IDisposable
{
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
        Received ??= context.Signal;
        application.StopApplication();
    }

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
