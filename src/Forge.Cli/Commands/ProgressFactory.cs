using Forge.Cli.Progress;
using Forge.Core.Telemetry;

namespace Forge.Cli.Commands;

/// <summary>Chooses the progress display for <c>--progress auto|plain|json|none</c>.</summary>
internal static class ProgressFactory
{
    public static readonly string[] Modes = Hosting.ForgeConfiguration.ProgressModes;

    public static IProgressSink Create(string mode, CommandContext ctx) => mode switch
    {
        "json" => new JsonProgressSink(ctx.Stdout),
        "none" => NullProgressSink.Instance,
        "plain" => new PlainProgressSink(ctx.Stderr, everyChunk: false),
        _ => ReferenceEquals(ctx.Stderr, Console.Error) && !Console.IsErrorRedirected
            ? new TerminalProgressSink(ctx.Stderr)
            : new PlainProgressSink(ctx.Stderr, everyChunk: false),
    };
}
