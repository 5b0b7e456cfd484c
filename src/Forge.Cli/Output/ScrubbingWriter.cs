using System.Text;
using Forge.Core.Telemetry;

namespace Forge.Cli.Output;

/// <summary>
/// Masks secrets in everything written to stdout or stderr (messages, logs, JSON events, FORGE_DEBUG dumps). Text is
/// held until a line ends or the writer is flushed, so a secret split across Write calls is still seen whole.
/// </summary>
internal sealed class ScrubbingWriter(TextWriter inner, SecretScrubber scrubber) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // the base setter accepts null; the inner writer decides
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _pending.Append(value);
            if (value == '\n') Drain(flush: false);
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        lock (_gate)
        {
            _pending.Append(value);
            if (value.Contains('\n', StringComparison.Ordinal)) Drain(flush: false);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine(string? value) => Write((value ?? "") + inner.NewLine);

    public override void WriteLine() => Write(inner.NewLine);

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
        lock (_gate) Drain(flush: true);
        inner.Flush();
    }

    public override Task FlushAsync()
    {
        Flush();
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }

    private void Drain(bool flush)
    {
        var text = _pending.ToString();
        var end = flush ? text.Length : text.LastIndexOf('\n') + 1;
        if (end <= 0) return;
        inner.Write(scrubber.Scrub(text[..end]));
        _pending.Remove(0, end);
    }
}
