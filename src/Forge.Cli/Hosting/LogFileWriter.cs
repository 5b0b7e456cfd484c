namespace Forge.Cli.Hosting;

/// <summary><c>--log-file</c>: appends log lines (a rerun adds to the same file); flushed per line so a killed run keeps them.</summary>
internal sealed class LogFileWriter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;

    public LogFileWriter(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            _writer = new StreamWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"--log-file {path}: cannot open for writing: {e.Message}");
        }
    }

    public void WriteLine(string line)
    {
        lock (_gate) _writer.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_gate) _writer.Dispose();
    }
}
