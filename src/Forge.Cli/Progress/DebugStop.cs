using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Forge.Cli.Progress;

/// <summary>
/// <c>FORGE_DEBUG_STOP_AT=&lt;event&gt;[=&lt;stage&gt;]:&lt;n&gt;</c> (Linux): right after the n-th JSON progress event of
/// that kind is written and flushed (<c>chunk:5</c>, <c>input:1</c>, <c>stage=publish:1</c>), the process stops
/// itself with SIGSTOP, every thread where it is. A crash test (or a person) then looks at the target and sends
/// SIGKILL: a kill at an exact point of the run, without racing the process. Unset, it costs one comparison per event.
/// </summary>
internal static partial class DebugStop
{
    public const string Variable = "FORGE_DEBUG_STOP_AT";
    private const int SigStop = 19;

    private static Rule? _rule;
    private static int _seen;

    private sealed record Rule(string Event, string? Stage, int Count);

    /// <summary>Reads the variable (a JSON sink is being created); a malformed value is a usage error (exit 2).</summary>
    public static void Configure() => _rule = Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Called after <paramref name="e"/> is on stdout.</summary>
    public static void After(JsonObject e)
    {
        if (_rule is not { } rule) return;
        if (e["event"]?.GetValue<string>() != rule.Event) return;
        if (rule.Stage is not null && e["stage"]?.GetValue<string>() != rule.Stage) return;
        if (Interlocked.Increment(ref _seen) != rule.Count || !OperatingSystem.IsLinux()) return;
        _ = Kill(Environment.ProcessId, SigStop);
    }

    private static Rule? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
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
