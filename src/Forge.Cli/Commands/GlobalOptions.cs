using System.CommandLine;
using Forge.Cli.Hosting;

namespace Forge.Cli.Commands;

/// <summary>Options every verb takes: log verbosity and the log file.</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log more (debug level): fetches, cache hits, planning.", Recursive = true };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Log only errors.", Recursive = true };

    public Option<string?> LogLevel { get; } = LogLevelOption();

    public Option<string?> LogFile { get; } = new("--log-file") { Description = "Also append log lines with timestamps to this file.", Recursive = true, HelpName = "path" };

    public Option[] All => [Verbose, Quiet, LogLevel, LogFile];

    private static Option<string?> LogLevelOption()
    {
        var o = new Option<string?>("--log-level") { Description = "Minimum log level: trace, debug, information, warning (default), error, critical, none.", Recursive = true, HelpName = "level" };
        o.AcceptOnlyFromAmong(ForgeConfiguration.LevelNames);
        return o;
    }
}
