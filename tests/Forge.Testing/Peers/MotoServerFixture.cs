using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Forge.Testing.Peers;

/// <summary>
/// Runs moto_server (an in-memory S3 emulator) on a free loopback port for a test collection and kills it at the end.
/// The executable is found from MOTO_SERVER, else $(pyenv root)/versions/3.11.7/bin/moto_server, else PATH.
/// Any access key and secret work; the region is us-east-1; use path-style addressing. It runs through
/// moto_atomic.py (with the interpreter of moto_server's shebang), which makes conditional writes atomic as S3's
/// are: plain moto lets two racing If-None-Match PUTs both win under load.
/// </summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;

    /// <summary>The server's base address, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Access key the tests use (moto accepts any).</summary>
    public const string AccessKey = "test";

    /// <summary>Secret key the tests use (moto accepts any).</summary>
    public const string SecretKey = "test";

    /// <summary>Region moto answers for.</summary>
    public const string Region = "us-east-1";

    public async Task InitializeAsync()
    {
        var executable = FindExecutable();
        var port = FreeLoopbackPort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        var launcher = Path.Combine(AppContext.BaseDirectory, "Peers", "moto_atomic.py");
        var python = PythonOf(executable);
        if (python is null || !File.Exists(launcher))
            throw new FileNotFoundException($"cannot run moto_server ({executable}) with {launcher}: no python interpreter in its first line, or the launcher is missing");
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(launcher);
        foreach (var arg in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"moto_server ({executable}) exited with code {_process.ExitCode} before it was ready:\n{Log}");
            try
            {
                using var response = await _http.GetAsync(new Uri(Endpoint, "moto-api/"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (deadline.Elapsed > StartupTimeout)
                throw new TimeoutException($"moto_server ({executable}) was not ready on {Endpoint} after {StartupTimeout.TotalSeconds} s:\n{Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>Wipes every bucket and object (POST /moto-api/reset).</summary>
    public async Task ResetAsync()
    {
        using var response = await _http.PostAsync(new Uri(Endpoint, "moto-api/reset"), content: null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>MOTO_SERVER, else the pyenv 3.11.7 install, else moto_server on PATH.</summary>
    public static string FindExecutable()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MOTO_SERVER");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return File.Exists(fromEnv) ? fromEnv : throw new FileNotFoundException($"MOTO_SERVER points to '{fromEnv}', which does not exist");

        var pyenvRoot = Environment.GetEnvironmentVariable("PYENV_ROOT");
        if (string.IsNullOrWhiteSpace(pyenvRoot))
            pyenvRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        var pyenv = Path.Combine(pyenvRoot, "versions", "3.11.7", "bin", "moto_server");
        if (File.Exists(pyenv)) return pyenv;

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "moto_server");
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException($"moto_server not found: set MOTO_SERVER, or install moto in pyenv 3.11.7 ({pyenv}), or put moto_server on PATH");
    }

    /// <summary>The interpreter of a Python console script (its "#!" line), or null.</summary>
    private static string? PythonOf(string script)
    {
        using var reader = new StreamReader(script);
        var first = reader.ReadLine();
        if (first is null || !first.StartsWith("#!", StringComparison.Ordinal)) return null;
        var interpreter = first[2..].Trim().Split(' ')[0];
        return Path.GetFileName(interpreter).StartsWith("python", StringComparison.Ordinal) && File.Exists(interpreter) ? interpreter : null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            // Keep the tail only: moto logs every request.
            if (_log.Length > 64 * 1024) _log.Remove(0, _log.Length - (32 * 1024));
            _log.AppendLine(line);
        }
    }
}
