using Forge.Cli.Hosting;
using Forge.Cli.Output;
using Forge.Core.Telemetry;

namespace Forge.Cli;

/// <summary>Process entry: the real console host, with SIGINT/SIGTERM/SIGHUP handled by its lifetime (exit code 130).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Every byte forge prints passes the secret scrubber: Console.Out/Error themselves are replaced, so the live
        // display and anything else writing to the console are covered (and stay the same objects for it).
        Console.SetOut(TextWriter.Synchronized(new ScrubbingWriter(Console.Out, SecretScrubber.Shared)));
        Console.SetError(TextWriter.Synchronized(new ScrubbingWriter(Console.Error, SecretScrubber.Shared)));
        try
        {
            return await ForgeApp.RunAsync(args, new ForgeHostOptions(Console.Out, Console.Error) { HandleSignals = true });
        }
        finally
        {
            Console.Out.Flush();
            Console.Error.Flush();
        }
    }
}
