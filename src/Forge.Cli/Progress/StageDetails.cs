using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Cli.Progress;

/// <summary>
/// The numbers inside the engine's stage details ("inspecting 40 inputs", "121 objects (3 already done); … memory
/// estimate 80 MiB of 512 MiB"), as fields for JSON events and as the live view's totals.
/// </summary>
internal static partial class StageDetails
{
    [GeneratedRegex(@"inspecting (\d+) inputs")]
    private static partial Regex InputsPattern();

    [GeneratedRegex(@"^(\d+) objects \((\d+) already done\)")]
    private static partial Regex ObjectsPattern();

    [GeneratedRegex(@"(\d+) pass\(es\)")]
    private static partial Regex PassesPattern();

    public static (long? InputsTotal, long? ObjectsTotal, long? ObjectsDone, long? Passes) Parse(string stage, string detail)
    {
        long? Get(Regex r, int group = 1) => r.Match(detail) is { Success: true } m ? long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : null;
        return stage switch
        {
            "schema" => (Get(InputsPattern()), null, null, null),
            "write" => (null, Get(ObjectsPattern()), Get(ObjectsPattern(), 2), Get(PassesPattern())),
            _ => (null, null, null, null),
        };
    }

    /// <summary>The user-facing stage an engine stage belongs to: fetch, write (decode + encode + store) or publish.</summary>
    public static string? Phase(string stage) => stage switch
    {
        "schema" => "fetch",
        "write" or "pass" or "spill" or "assemble" or "replace" => "write",
        "publish" or "done" => "publish",
        _ => null,
    };
}
