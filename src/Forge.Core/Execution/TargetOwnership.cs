using System.Text.RegularExpressions;
using Forge.Core.Storage;

namespace Forge.Core.Execution;

/// <summary>
/// Decides which keys of a target Forge may delete on <c>--overwrite</c>: its ledger (<c>.forge/</c>), Zarr v2/v3
/// metadata documents and Zarr chunk keys of node paths that are not hidden. Anything else (a <c>.git</c> folder,
/// a README, a user's notes) makes the target foreign, and --overwrite refuses it without deleting anything.
/// </summary>
internal static partial class TargetOwnership
{
    public const string LedgerPrefix = ".forge/";

    public static bool IsMetadata(StoreKey key) => IsMetadataName(NameOf(key.Value));

    /// <summary>True when the key is one Forge or a Zarr writer puts in a store.</summary>
    public static bool IsOwned(StoreKey key)
    {
        var value = key.Value;
        if (value.StartsWith(LedgerPrefix, StringComparison.Ordinal)) return true;
        var segments = value.Split('/');
        if (IsMetadataName(segments[^1])) return NodePathIsPlain(segments.AsSpan(0, segments.Length - 1));

        // v3 default encoding: <node>/c/<i>/<j>...; v3 "." separator: <node>/c.<i>.<j>; scalar: <node>/c.
        for (var i = segments.Length - 1; i >= 1; i--)
        {
            if (segments[i] == "c" && AllDigits(segments.AsSpan(i + 1))) return NodePathIsPlain(segments.AsSpan(0, i));
            if (!Digits().IsMatch(segments[i])) break;
        }

        if (V3DotChunk().IsMatch(segments[^1]) && segments.Length >= 2) return NodePathIsPlain(segments.AsSpan(0, segments.Length - 1));

        // v2: <node>/<i>.<j>.<k> or with "/" separator <node>/<i>/<j>/<k>.
        var first = segments.Length - 1;
        if (!V2DotChunk().IsMatch(segments[first])) return false;
        while (first > 0 && Digits().IsMatch(segments[first - 1])) first--;
        return first >= 1 && NodePathIsPlain(segments.AsSpan(0, first));
    }

    private static bool IsMetadataName(string name) => name is "zarr.json" or ".zarray" or ".zgroup" or ".zattrs" or ".zmetadata";

    private static string NameOf(string key) => key[(key.LastIndexOf('/') + 1)..];

    /// <summary>Zarr node names never start with '.' here: that keeps <c>.git/objects/12/34</c> foreign.</summary>
    private static bool NodePathIsPlain(ReadOnlySpan<string> nodePath)
    {
        foreach (var s in nodePath)
            if (s.Length == 0 || s[0] == '.') return false;
        return true;
    }

    private static bool AllDigits(ReadOnlySpan<string> segments)
    {
        foreach (var s in segments)
            if (!Digits().IsMatch(s)) return false;
        return true;
    }

    [GeneratedRegex(@"^[0-9]+$")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")]
    private static partial Regex V2DotChunk();

    [GeneratedRegex(@"^c(\.[0-9]+)+$")]
    private static partial Regex V3DotChunk();
}
