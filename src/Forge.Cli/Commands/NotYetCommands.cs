using System.CommandLine;

namespace Forge.Cli.Commands;

/// <summary>Verbs of the contract whose feature is not built yet: they parse, then refuse clearly (exit code 2).</summary>
internal static class NotYetCommands
{
    public static Command Finalize(CommandContext ctx)
    {
        var recipe = new Argument<string>("recipe");
        var target = new Option<string?>("--target");
        var cmd = new Command("finalize", "After all shards of a sharded run: coordinates and consolidated metadata (not supported yet).") { recipe, target };
        cmd.SetAction(_ => Refuse(ctx, "finalize", "sharded runs are not supported yet, so there is nothing to finalize; `forge run` publishes metadata itself"));
        return cmd;
    }

    public static Command Verify(CommandContext ctx)
    {
        var recipe = new Argument<string>("recipe");
        var sample = new Option<int?>("--sample");
        var cmd = new Command("verify", "Read the target and the sources back and compare values (not supported yet).") { recipe, sample };
        cmd.SetAction(_ => Refuse(ctx, "verify", "not supported yet"));
        return cmd;
    }

    private static int Refuse(CommandContext ctx, string verb, string why)
    {
        ctx.Stderr.WriteLine($"forge {verb}: {why}");
        return ExitCodes.Invalid;
    }
}
