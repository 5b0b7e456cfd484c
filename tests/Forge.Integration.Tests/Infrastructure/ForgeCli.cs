using Forge.Cli;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>Runs the forge command line in-process, capturing stdout and stderr.</summary>
internal static class ForgeCli
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ForgeApp.RunAsync(args, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the command line with "now" fixed (relative range ends such as <c>end: today</c>).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAtAsync(DateTimeOffset now, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ForgeApp.RunAsync(args, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), CancellationToken.None, new FixedClock(now));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
