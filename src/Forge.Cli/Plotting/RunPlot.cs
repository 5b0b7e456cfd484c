using System.Text.Json.Nodes;
using Forge.Cli.Progress;
using Forge.Core.Storage;
using Forge.Core.Telemetry;

namespace Forge.Cli.Plotting;

/// <summary>
/// <c>forge run --plot</c>: after a recipe succeeds, a quick-look PNG of its first data variable (first and last time
/// step side by side) next to a local store (<c>out/x.zarr</c> → <c>out/x.png</c>), or as <c>RECIPE-ID.png</c> in the
/// current folder for an s3:// store. The run's outcome does not depend on it: a plot that fails is a warning.
/// </summary>
internal static class RunPlot
{
    public static string PathFor(string targetUrl, string recipeId)
    {
        if (targetUrl.Contains("://", StringComparison.Ordinal) && !targetUrl.StartsWith("file://", StringComparison.Ordinal))
            return Path.GetFullPath($"{recipeId}.png");
        var local = (targetUrl.StartsWith("file://", StringComparison.Ordinal) ? new Uri(targetUrl).LocalPath : targetUrl).TrimEnd('/', Path.DirectorySeparatorChar);
        return Path.GetFullPath((local.EndsWith(".zarr", StringComparison.OrdinalIgnoreCase) ? local[..^5] : local) + ".png");
    }

    public static async Task WriteAsync(IReadableStore store, string recipeId, string targetUrl, IProgressSink sink, TextWriter stderr, CancellationToken ct)
    {
        var path = PathFor(targetUrl, recipeId);
        try
        {
            var report = await QuickLook.RunPlotAsync(store, path, ct);
            if (sink is JsonProgressSink json)
            {
                var e = Commands.InspectCommand.PlotJson(report!);
                e["event"] = "plot";
                e["recipe"] = recipeId;
                if (report is not null) json.Emit(e);
            }
            else
            {
                stderr.WriteLine(report is null
                    ? $"forge: {recipeId}: --plot: the store has no data variable to plot"
                    : $"forge: {recipeId}: quick-look plot {Commands.InspectCommand.PlotLine(report)}");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var message = $"forge: {recipeId}: warning: --plot failed ({e.Message}); the run itself succeeded";
            if (sink is JsonProgressSink json) json.Emit(new JsonObject { ["event"] = "warning", ["recipe"] = recipeId, ["message"] = message });
            else stderr.WriteLine(message);
        }
    }
}
