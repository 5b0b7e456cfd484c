using Forge.Cli.Progress;
using Forge.Core.Telemetry;

namespace Forge.Cli.Commands;

/// <summary>Chooses the progress display for <c>--progress auto|plain|json|none</c>, and routes fetch retries to it.</summary>
internal static class ProgressFactory
{
    public static readonly string[] Modes = Hosting.ForgeConfiguration.ProgressModes;

    public static IProgressSink Create(string mode, CommandContext ctx)
    {
        switch (mode)
        {
            case "json":
                var json = new JsonProgressSink(ctx.Stdout);
                ctx.Channel.RetryObserver = json.Retry;
                return json;
            case "none":
                return NullProgressSink.Instance;
            case "plain":
                return new PlainProgressSink(ctx.Stderr, everyChunk: false);
            default:
                // NO_COLOR keeps the live view, without colour (Spectre honours it); a redirected stderr gets plain lines.
                if (!ReferenceEquals(ctx.Stderr, Console.Error) || Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") == "dumb")
                    return new PlainProgressSink(ctx.Stderr, everyChunk: false);
                var live = new TerminalProgressSink(ctx.Stderr, ctx.Channel);
                ctx.Channel.RetryObserver = (_, _, _) => live.Retried();
                return live;
        }
    }
}
