using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Forge.Cli.Progress;

/// <summary>
/// <c>FORGE_DEBUG_STOP_AT=&lt;event&gt;[=&lt;stage&gt;]:&lt;n&gt;[,…]</c> (Linux): right after the n-th JSON progress event
/// of that kind is written and flushed (<c>chunk:5</c>, <c>input:1</c>, <c>stage=publish:1</c>), the process stops
/// itself with SIGSTOP, every thread where it is. A crash test (or a person) then looks at the target and sends
/// SIGKILL (a kill at an exact point of the run, without racing the process) or SIGCONT (a reader test: the run goes
/// on to the next point). Unset, it costs one check per event.
/// </summary>
internal static partial class DebugStop
{
    public const string Variable = "FORGE_DEBUG_STOP_AT";
    private const int SigStop = 19;

    private static Rule[] _rules = [];

    private sealed class Rule(string @event, string? stage, int count)
    {
        private int _seen;

        /// <summary>True when <paramref name="e"/> is this rule's n-th event.</summary>
        public bool Hit(JsonObject e) =>
            e["event"]?.GetValue<string>() == @event
            && (stage is null || e["stage"]?.GetValue<string>() == stage)
            && Interlocked.Increment(ref _seen) == count;
    }

    /// <summary>Reads the variable (a JSON sink is being created); a malformed value is a usage error (exit 2).</summary>
    public static void Configure()
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        _rules = string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
    }

    /// <summary>Called after <paramref name="e"/> is on stdout.</summary>
    public static void After(JsonObject e)
    {
        if (_rules.Length == 0) return;
        bool stop = false;
        foreach (var rule in _rules) stop |= rule.Hit(e);
        if (stop && OperatingSystem.IsLinux()) _ = Kill(Environment.ProcessId, SigStop);
    }

    private static Rule Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new UsageException($"{Variable}={text}: expected <event>[=<stage>]:<n>, e.g. chunk:5 or stage=publish:1");
        var kind = text[..colon];
        var eq = kind.IndexOf('=');
        return eq < 0 ? new Rule(kind, null, n) : new Rule(kind[..eq], kind[(eq + 1)..], n);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
