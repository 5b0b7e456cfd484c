using System.ComponentModel;
using System.Diagnostics;
using Forge.Core.Datasets;

namespace Forge.Formats.NetCdf;

/// <summary>
/// Opens a file's header with netCDF-C's <c>ncdump -h</c> in a child process. HDF5 1.10 can overrun memory on some
/// corrupt metadata (e.g. a damaged global heap behind a vlen attribute) and take the whole process down; in a child
/// that becomes a <see cref="DataException"/> naming the file.
/// </summary>
internal static class IsolatedHeaderCheck
{
    internal static string Tool { get; set; } = "ncdump";

    internal static string[] ToolArguments { get; set; } = ["-h"];

    internal static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    private static HeaderCheckWorker? _worker;

    /// <summary>
    /// From now on, check headers in one long-lived child (<paramref name="file"/> <paramref name="arguments"/>, a
    /// program that runs <see cref="HeaderCheckServer.Serve"/>) instead of one <c>ncdump -h</c> per file. The forge
    /// executable does this for itself at start-up.
    /// </summary>
    public static void UseWorker(string file, IReadOnlyList<string> arguments)
    {
        Interlocked.Exchange(ref _worker, new HeaderCheckWorker(file, arguments, Timeout))?.Dispose();
    }

    /// <summary>Ends the long-lived child, if any (the next check uses <c>ncdump -h</c> again).</summary>
    public static void StopWorker() => Interlocked.Exchange(ref _worker, null)?.Dispose();

    public static void Run(string path)
    {
        if (Volatile.Read(ref _worker) is { } worker && !path.Contains('\n', StringComparison.Ordinal))
        {
            worker.Check(path);
            return;
        }

        var info = new ProcessStartInfo(Tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in ToolArguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add(path);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new DataException($"{path}: cannot start {Tool} for the header check");
        }
        catch (Win32Exception ex)
        {
            throw new DataException($"{path}: cannot run {Tool} for the header check (is netcdf-bin installed?): {ex.Message}", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new DataException($"{path}: netCDF-C did not finish reading the header within {Timeout.TotalSeconds:0} s (corrupt file?)");
            }

            process.WaitForExit();
            var code = process.ExitCode;
            // .NET reports a child killed by signal N as 128 + N.
            if (code > 128)
                throw new DataException($"{path}: netCDF-C crashed reading the header (signal {code - 128}); the file is corrupt");
            if (code != 0)
                throw new DataException($"{path}: {stderr.Result.Trim()}");
        }
    }
}
