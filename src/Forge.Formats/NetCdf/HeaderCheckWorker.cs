using System.Collections.Concurrent;
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
/// The child's answers are read by a thread of its own, never by the thread pool: callers block in <see cref="Check"/>
/// on pool threads (the schema pass), and an answer that needed a free pool thread to arrive waited for the pool to
/// grow (0.5-1 s a step, 3 of a 365-file plan's 3.7 s), or for the timeout, which then called a good file corrupt.
/// </summary>
internal sealed class HeaderCheckWorker(string file, IReadOnlyList<string> arguments, TimeSpan timeout) : IDisposable
{
    private readonly object _gate = new();
    private Process? _process;
    private BlockingCollection<string?>? _answers;

    /// <summary>Children started so far (for tests).</summary>
    public int Started { get; private set; }

    public void Check(string path)
    {
        lock (_gate)
        {
            var process = _process ??= Start(path);
            var answers = _answers!;
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

            if (!answers.TryTake(out var line, timeout))
            {
                Stop(process, kill: true);
                throw new DataException($"{path}: netCDF-C did not finish reading the header within {timeout.TotalSeconds:0} s (corrupt file?)");
            }

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
            _answers = ReadAnswers(process.StandardOutput);
            Started++;
            return process;
        }
        catch (Win32Exception ex)
        {
            throw new DataException($"{path}: cannot run {file} for the header check: {ex.Message}", ex);
        }
    }

    /// <summary>Answer lines of one child, read by a dedicated thread; null marks the end of its output.</summary>
    private static BlockingCollection<string?> ReadAnswers(StreamReader output)
    {
        var answers = new BlockingCollection<string?>();
        var reader = new Thread(() =>
        {
            try
            {
                while (output.ReadLine() is { } line) answers.Add(line);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // The child is gone or was disposed: end of output.
            }

            answers.Add(null);
        })
        { IsBackground = true, Name = "forge header-check answers" };
        reader.Start();
        return answers;
    }

    /// <summary>Ends the child (killing it when asked, or when it does not exit by itself) and returns its exit code.</summary>
    private int Stop(Process process, bool kill)
    {
        _process = null;
        _answers = null;
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
            _answers = null;
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
