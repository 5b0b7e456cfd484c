namespace Forge.Cli.Commands;

/// <summary>Runs a command body and maps any failure to the documented exit code with one clear message.</summary>
internal static class CommandGuard
{
    public static async Task<int> RunAsync(CommandContext ctx, CancellationToken ct, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex)
        {
            return ErrorReporting.Report(ex, ctx.Stderr, ct.IsCancellationRequested);
        }
    }
}
