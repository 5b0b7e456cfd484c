using Forge.Cli.Hosting;
using Forge.Core.Planning;
using Forge.Core.Telemetry;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Forge.Cli.Progress;

/// <summary>
/// The live view on a terminal (Spectre.Console): one line per phase (fetch, write, publish) with counts against
/// the plan's totals, bytes, a sliding-window rate and the phase's ETA, and a line with memory in use against the
/// budget. Lines are cut to the terminal width (no wrapped trails); log lines and warnings print above the view.
/// NO_COLOR is honoured by Spectre; a non-terminal stderr gets <see cref="PlainProgressSink"/> instead.
/// A feedstock run shows one view per recipe: <see cref="Finish"/> leaves a recipe's view on screen and the next
/// recipe's "recipe" stage starts a fresh one (new counters, new totals) below it.
/// </summary>
internal sealed class TerminalProgressSink : IProgressSink, IDisposable
{
    private static readonly string[] Phases = ["fetch", "write", "publish"];
    private readonly IAnsiConsole _console;
    private readonly ConsoleChannel _channel;
    private readonly Func<TimeSpan>? _clock;
    private readonly Lock _session = new();
    private readonly HashSet<string> _seen = [];
    private ProgressState _state;
    private CancellationTokenSource _stop = new();
    private IDisposable _redirect;
    private Task _live;
    private string _phase = "fetch";
    private bool _finished;

    /// <summary>The run's max_memory, shown against the memory in use.</summary>
    public long MemoryBudget { get; set; }

    /// <param name="clock">Elapsed time for rates and ETA (tests); a stopwatch per recipe by default.</param>
    /// <param name="refresh">How often the view is redrawn.</param>
    public TerminalProgressSink(TextWriter err, ConsoleChannel channel, IAnsiConsole? console = null, Func<TimeSpan>? clock = null, TimeSpan? refresh = null)
    {
        _console = console ?? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(err), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
        _channel = channel;
        _clock = clock;
        _refresh = refresh ?? TimeSpan.FromMilliseconds(200);
        (_state, _redirect, _live) = Start();
    }

    private readonly TimeSpan _refresh;

    private (ProgressState, IDisposable, Task) Start()
    {
        var state = new ProgressState(_clock);
        _state = state;
        var stop = _stop;
        var redirect = _channel.Redirect(line => _console.WriteLine(line));
        var live = _console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async ctx =>
        {
            while (!stop.IsCancellationRequested)
            {
                ctx.UpdateTarget(Render());
                try { await Task.Delay(_refresh, stop.Token); } catch (OperationCanceledException) { }
            }

            ctx.UpdateTarget(Render());
        });
        return (state, redirect, live);
    }

    public void Stage(string stage, string detail)
    {
        // The next recipe of a feedstock: a new view below the finished one.
        if (stage == "recipe")
        {
            lock (_session)
            {
                if (_finished)
                {
                    _finished = false;
                    lock (_seen) { _seen.Clear(); _phase = "fetch"; }
                    _stop.Dispose();
                    _stop = new CancellationTokenSource();
                    (_state, _redirect, _live) = Start();
                }
            }
        }

        _state.Stage(stage, detail);
        if (StageDetails.Phase(stage) is { } p) lock (_seen) { _seen.Add(p); _phase = p; }
    }

    public void InputFetched(string url, long bytes, bool fromCache, int retries) => _state.Input(bytes, retries, fromCache);

    public void BytesReceived(long bytes) => _state.Received(bytes);

    public void ChunkWritten(string array, string key, long bytes) => _state.Object(bytes);

    public void Retried() => _state.Retry();

    public void Totals(ProgressTotals totals) => _state.Totals(totals);

    public void Warning(string message) => _console.WriteLine($"[warning] {message}");

    /// <summary>Draws the final state and leaves it on screen; later lines print below it.</summary>
    public void Finish()
    {
        lock (_session)
        {
            if (_finished) return;
            _finished = true;
            lock (_seen) if (_seen.Contains("publish")) _phase = "done";
            _stop.Cancel();
            _live.GetAwaiter().GetResult();
            _redirect.Dispose();
        }
    }

    public void Dispose()
    {
        Finish();
        _stop.Dispose();
    }

    private IRenderable Render() =>
        new Rows(RenderLines().Select(l => (IRenderable)new Text(l.Text, l.Current ? new Style(Color.Aqua) : l.Phase ? Style.Plain : new Style(Color.Grey))));

    /// <summary>The view's lines as plain text, cut to the terminal: one per phase (Current: the running one), then the run line.</summary>
    internal List<(string Text, bool Phase, bool Current)> RenderLines()
    {
        var width = Math.Max(20, _console.Profile.Width - 1);
        var rate = _state.Rate();
        var eta = _state.Eta();
        var lines = new List<(string Text, bool Phase, bool Current)>();
        foreach (var phase in Phases)
        {
            string mark;
            lock (_seen) mark = _phase == "done" || (_seen.Contains(phase) && phase != _phase) ? "✓" : phase == _phase ? "▸" : "·";
            var retries = phase == "fetch" && _state.Retries > 0 ? $"  {_state.Retries} retries" : "";
            var text = phase switch
            {
                "fetch" => $"{mark} fetch   {_state.Inputs}/{Total(_state.InputsTotal)} inputs  {Sizes.Format(_state.InputBytes)}",
                "write" => $"{mark} write   {_state.Objects}/{Total(_state.ObjectsTotal)} objects  {Sizes.Format(_state.ObjectBytes)}",
                _ => $"{mark} publish",
            };
            var tail = "";
            if (phase == _phase && phase == "fetch" && _state.ByteRate() is { } br)
                tail = $"  {Sizes.Format((long)br)}/s  ETA {(eta is { } e ? Clock(e) : "--:--")}";
            else if (phase == _phase && rate is { } r)
                tail = $"  {r:0.#}/s  ETA {(eta is { } e ? Clock(e) : "--:--")}";
            else if (phase == _phase)
                tail = "  ETA --:--";
            // The fetch total (" of ~1.4 MiB") is the first thing a narrow terminal loses: the rate and ETA say more.
            var of = phase == "fetch" ? OfBytes() : "";
            text = text.Length + of.Length + retries.Length + tail.Length <= width ? text + of + retries + tail : text + retries + tail;
            lines.Add((Cut(text, width), true, phase == _phase));
        }

        var used = Environment.WorkingSet;
        string now;
        lock (_seen) now = _phase;
        // The whole run's ETA first, so a narrow terminal cuts the elapsed time rather than it.
        var runEta = now == "done" ? "" : $"  run ETA {(_state.RunEta() is { } left ? Clock(left) : "--:--")}";
        lines.Add((Cut($"{runEta}  memory  {Sizes.Format(used)} of {(MemoryBudget > 0 ? Sizes.Format(MemoryBudget) : "?")} budget  elapsed {Clock(_state.Elapsed)}", width), false, false));
        return lines;
    }

    /// <summary>" of 10 MiB" (known sizes) or " of ~10 MiB" (the mean size so far × the inputs), once there is a total.</summary>
    private string OfBytes() => _state.InputBytesTotal is { } t && _state.Inputs < _state.InputsTotal
        ? $" of {(_state.InputBytesTotalKnown is null ? "~" : "")}{Sizes.Format(t)}" : "";

    private static string Total(long total) => total > 0 ? total.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";

    private static string Cut(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";
}
