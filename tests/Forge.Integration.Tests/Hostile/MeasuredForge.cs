using System.Globalization;
using Forge.Integration.Tests.Cli;

namespace Forge.Integration.Tests.Hostile;

/// <summary>The outcome of one measured forge run.</summary>
internal sealed record MeasuredRun(int ExitCode, string Stdout, string Stderr, long PeakRssKiB)
{
    public long PeakRssMiB => PeakRssKiB / 1024;
}

/// <summary>
/// Runs the real forge program as a child process and samples its peak resident set (VmHWM in /proc/PID/status,
/// the kernel's own high-water mark) every 20 ms until it exits. The last sample before exit is what is reported,
/// so a peak reached in the final 20 ms could be missed; every hostile case allocates (or is refused) long before.
/// </summary>
internal static class MeasuredForge
{
    public static async Task<MeasuredRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, string? workingDirectory = null)
    {
        using var process = ForgeProcess.Start(args, environment, workingDirectory: workingDirectory);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            var status = $"/proc/{process.Id}/status";
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    foreach (var line in await File.ReadAllLinesAsync(status))
                    {
                        if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                        var kib = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                        if (kib > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, kib);
                    }
                }
                catch (IOException)
                {
                    // The process has exited (its /proc entry is gone).
                }

                try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var code = await process.WaitAsync(timeout);
        await stop.CancelAsync();
        await sampler;
        return new MeasuredRun(code, process.Stdout, process.Stderr, Interlocked.Read(ref peak));
    }
}
