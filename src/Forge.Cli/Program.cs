namespace Forge.Cli;

/// <summary>Process entry: wires Ctrl-C to cancellation (exit code 130) and runs the command line.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl-C cancels cleanly; a second one kills the process as usual.
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            cts.Cancel();
        };
        return await ForgeApp.RunAsync(args, Console.Out, Console.Error, cts.Token);
    }
}
