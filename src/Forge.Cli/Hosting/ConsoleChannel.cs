namespace Forge.Cli.Hosting;

/// <summary>
/// Human-facing lines on stderr (log lines, warnings). While a live progress view owns the terminal it takes the
/// lines and prints them above itself, so log lines never collide with the display.
/// </summary>
internal sealed class ConsoleChannel(TextWriter stderr)
{
    private readonly Lock _gate = new();
    private Action<string>? _above;

    public TextWriter Stderr { get; } = stderr;

    /// <summary>Receives fetch retries (url, attempt, reason) for the progress display, when one wants them.</summary>
    public Action<string, int, string>? RetryObserver { get; set; }

    public void WriteLine(string line)
    {
        var above = _above;
        if (above is not null)
        {
            above(line);
            return;
        }

        lock (_gate) Stderr.WriteLine(line);
    }

    /// <summary>Routes lines to <paramref name="above"/> until the returned handle is disposed.</summary>
    public IDisposable Redirect(Action<string> above)
    {
        _above = above;
        return new Release(this);
    }

    private sealed class Release(ConsoleChannel channel) : IDisposable
    {
        public void Dispose() => channel._above = null;
    }
}
