using Forge.Cli.Hosting;

namespace Forge.Cli;

/// <summary>Process entry: the real console host, with SIGINT/SIGTERM/SIGHUP handled by its lifetime (exit code 130).</summary>
public static class Program
{
    public static Task<int> Main(string[] args) =>
        ForgeApp.RunAsync(args, new ForgeHostOptions(Console.Out, Console.Error) { HandleSignals = true });
}
