using System.Diagnostics;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>Runs the real peers (ncgen, cdo, Debian python) and fails loudly when one is missing or fails.</summary>
internal static class ExternalTool
{
    public const string Python = "/usr/bin/python3";

    public static string DataDirectory => Path.Combine(AppContext.BaseDirectory, "data", "netcdf");

    public static string Script(string name) => Path.Combine(DataDirectory, name);

    public static void Run(string exe, params string[] args) => RunToFile(null, exe, args);

    /// <summary>Runs a tool and, when <paramref name="stdoutFile"/> is given, saves its standard output there.</summary>
    public static void RunToFile(string? stdoutFile, string exe, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {exe}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} timed out");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
        if (stdoutFile is not null) File.WriteAllText(stdoutFile, stdout.Result);
    }
}
