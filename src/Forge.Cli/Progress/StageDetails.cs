namespace Forge.Cli.Progress;

/// <summary>The user-facing phase of an engine stage. Totals come from the engine's typed <c>ProgressTotals</c>, not from stage text.</summary>
internal static class StageDetails
{
    /// <summary>The user-facing stage an engine stage belongs to: fetch, write (decode + encode + store) or publish.</summary>
    public static string? Phase(string stage) => stage switch
    {
        "schema" => "fetch",
        "write" or "pass" or "spill" or "assemble" or "replace" => "write",
        "publish" or "done" => "publish",
        _ => null,
    };
}
