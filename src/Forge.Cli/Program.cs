namespace Forge.Cli;

/// <summary>Process entry: wires Ctrl-C to cancellation (exit code 130) and runs the command line.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Console loggers and the live display write to Console directly; they pass the scrubber too.
        var stdout = new Output.ScrubbingWriter(Console.Out, Core.Telemetry.SecretScrubber.Shared);
        var stderr = new Output.ScrubbingWriter(Console.Error, Core.Telemetry.SecretScrubber.Shared);
        Console.SetOut(TextWriter.Synchronized(stdout));
        Console.SetError(TextWriter.Synchronized(stderr));
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl-C cancels cleanly; a second one kills the process as usual.
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            cts.Cancel();
        };
        try
        {
            return await ForgeApp.RunAsync(args, Console.Out, Console.Error, cts.Token);
        }
        finally
        {
            Console.Out.Flush();
            Console.Error.Flush();
        }
    }
}
