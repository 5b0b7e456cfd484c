using System.Diagnostics;
using System.Text;

namespace Forge.Integration.Tests.Cli;

/// <summary>Runs the real <c>forge</c> program (forge.dll next to the tests) as a child process, as a user would.</summary>
internal sealed class ForgeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ForgeProcess(Process process) => _process = process;

    /// <summary>Called with each stdout line as it arrives.</summary>
    public Action<string>? OnStdoutLine { get; init; }

    public int Id => _process.Id;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>
    /// forge.dll in Forge.Cli's own build output (same configuration and framework as the tests): the copy next to the
    /// tests lacks dependencies that the Web SDK test project takes from the ASP.NET shared framework.
    /// </summary>
    public static string ProgramPath
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Infrastructure.Repo.PathOf("src", "Forge.Cli", "bin", tfm.Parent!.Name, tfm.Name, "forge.dll");
        }
    }

    public static ForgeProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, Action<string>? onStdoutLine = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(ProgramPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var p = new ForgeProcess(process) { OnStdoutLine = onStdoutLine };
        var streams = new CountdownEvent(2);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { if (streams.Signal()) p._exited.TrySetResult(); return; }
            lock (p._stdout) p._stdout.Append(e.Data).Append('\n');
            p.OnStdoutLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                if (streams.Signal()) p._exited.TrySetResult();
                lock (p._stderr) Monitor.PulseAll(p._stderr);
                return;
            }

            lock (p._stderr)
            {
                p._stderr.Append(e.Data).Append('\n');
                Monitor.PulseAll(p._stderr);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    /// <summary>
    /// Blocks until stderr contains <paramref name="text"/> (true), or the deadline passes or stderr ends (false).
    /// Called from <see cref="OnStdoutLine"/> it also holds stdout: the child blocks once the pipe is full.
    /// </summary>
    public bool WaitForStderr(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_stderr)
        {
            while (!_stderr.ToString().Contains(text, StringComparison.Ordinal))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _exited.Task.IsCompleted) return false;
                Monitor.Wait(_stderr, left);
            }

            return true;
        }
    }

    /// <summary>Waits for the exit and for both streams to end; kills the process on timeout.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await _exited.Task.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"forge did not exit within {timeout}:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    /// <summary>kill -9 of forge itself (not its children), as a crash or an OOM killer would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Waits until the process has stopped itself (SIGSTOP, state 'T' in /proc/PID/stat: see FORGE_DEBUG_STOP_AT) and
    /// returns true; false when it exited first. Throws after <paramref name="deadline"/>.
    /// </summary>
    public async Task<bool> WaitUntilStoppedAsync(TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) return false;
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{_process.Id}/stat");
            }
            catch (IOException)
            {
                return false; // gone
            }

            // pid (comm) state …: comm may hold spaces and parentheses, the state follows the last ')'.
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            if (state is 'T' or 't') return true;
            await Task.Delay(20);
        }

        throw new TimeoutException($"forge (pid {_process.Id}) neither stopped nor exited within {deadline}:\n{Stderr}");
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
