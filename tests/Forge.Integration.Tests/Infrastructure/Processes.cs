using System.Diagnostics;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>Runs peer programs (python3 with xarray/netCDF4, node with zarrita) and returns their output.</summary>
internal static class Processes
{
    public const string Python = "/usr/bin/python3";

    public static (int ExitCode, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Repo.Root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} timed out");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a command that must succeed; the failure message carries its output.</summary>
    public static string Check(string file, params string[] args)
    {
        var (code, stdout, stderr) = Run(file, args);
        if (code != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed with {code}:\n{stdout}\n{stderr}");
        return stdout;
    }
}
