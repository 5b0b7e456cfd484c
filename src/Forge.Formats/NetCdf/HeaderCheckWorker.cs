using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Forge.Core.Datasets;

namespace Forge.Formats.NetCdf;

/// <summary>
/// One long-lived child process that opens NetCDF-4/HDF5 headers for the parent (<see cref="HeaderCheckServer"/>),
/// one file at a time: the isolation of the per-file <c>ncdump -h</c> check without starting a process (and linking
/// 46 shared libraries) for every input, which cost ~14 ms of CPU per file. A crash or hang of the child while it
/// reads a file becomes a <see cref="DataException"/> naming that file; the next check starts a new child.
/// </summary>
internal sealed class HeaderCheckWorker(string file, IReadOnlyList<string> arguments, TimeSpan timeout) : IDisposable
{
    private readonly object _gate = new();
    private Process? _process;

    /// <summary>Children started so far (for tests).</summary>
    public int Started { get; private set; }

    public void Check(string path)
    {
        lock (_gate)
        {
            var process = _process ??= Start(path);
            var reply = process.StandardOutput.ReadLineAsync();
            try
            {
                process.StandardInput.Write(path);
                process.StandardInput.Write('\n');
                process.StandardInput.Flush();
            }
            catch (IOException)
            {
                // The child is gone; its exit status is read below.
            }

            if (!reply.Wait(timeout))
            {
                Stop(process, kill: true);
                throw new DataException($"{path}: netCDF-C did not finish reading the header within {timeout.TotalSeconds:0} s (corrupt file?)");
            }

            var line = reply.Result;
            if (line == "ok") return;
            if (line is not null && line.StartsWith("error\t", StringComparison.Ordinal)) throw new DataException(line["error\t".Length..]);

            // End of output: the child died on this file.
            var code = Stop(process, kill: line is not null);
            if (line is not null) throw new InvalidOperationException($"{path}: the header check process answered '{line}'");
            // .NET reports a child killed by signal N as 128 + N.
            if (code > 128) throw new DataException($"{path}: netCDF-C crashed reading the header (signal {code - 128}); the file is corrupt");
            throw new DataException($"{path}: the header check process ended with exit code {code} while reading the header");
        }
    }

    private Process Start(string path)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        try
        {
            var process = Process.Start(info) ?? throw new DataException($"{path}: cannot start {file} for the header check");
            // HDF5 prints its error stack on stderr; nobody reads it, so it must not fill the pipe.
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
            Started++;
            return process;
        }
        catch (Win32Exception ex)
        {
            throw new DataException($"{path}: cannot run {file} for the header check: {ex.Message}", ex);
        }
    }

    /// <summary>Ends the child (killing it when asked, or when it does not exit by itself) and returns its exit code.</summary>
    private int Stop(Process process, bool kill)
    {
        _process = null;
        using (process)
        {
            try
            {
                if (kill || !process.WaitForExit(TimeSpan.FromSeconds(5))) process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return process.ExitCode;
            }
            catch (InvalidOperationException)
            {
                return -1;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_process is not { } p) return;
            _process = null;
            try
            {
                p.StandardInput.Close(); // the child's loop ends at end of input
                if (!p.WaitForExit(TimeSpan.FromSeconds(5))) p.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
            }

            p.Dispose();
        }
    }
}
