using System.Text.Json.Nodes;
using Forge.Core.Storage;

namespace Forge.Core.Zarr;

/// <summary>
/// Consolidated metadata, written last: v2 <c>.zmetadata</c> ({"metadata":{key: doc},"zarr_consolidated_format":1},
/// zarr-python's convention) or v3 inline <c>consolidated_metadata</c> in the root <c>zarr.json</c>
/// (kind "inline", must_understand false, as zarr-python 3 writes it).
/// </summary>
public static class ZarrConsolidation
{
    public const string V2Key = ".zmetadata";

    /// <summary>Consolidates every metadata document found by listing the store.</summary>
    public static async ValueTask WriteAsync(IStore store, ZarrFormat format, CancellationToken ct = default)
    {
        var names = format == ZarrFormat.V2 ? new[] { ".zarray", ".zgroup", ".zattrs" } : ["zarr.json"];
        var keys = new List<string>();
        await foreach (var key in store.ListAsync("", ct).ConfigureAwait(false))
        {
            var name = key.Value[(key.Value.LastIndexOf('/') + 1)..];
            if (names.Contains(name)) keys.Add(key.Value);
        }

        await WriteAsync(store, store, format, keys, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Consolidates the documents of the given nodes (paths relative to the root, e.g. "sst", "time") without listing
    /// the store, which matters on S3 where a listing walks every chunk.
    /// </summary>
    public static async ValueTask WriteAsync(IReadableStore reader, IWritableStore writer, ZarrFormat format, IEnumerable<string> nodePaths, CancellationToken ct = default)
    {
        var keys = new List<string>();
        foreach (var p in nodePaths.Select(ZarrPath.Normalize).Where(p => p.Length > 0).Distinct())
        {
            if (format == ZarrFormat.V2) keys.AddRange([$"{p}/.zarray", $"{p}/.zgroup", $"{p}/.zattrs"]);
            else keys.Add($"{p}/zarr.json");
        }

        await WriteAsync(reader, writer, format, keys, ct).ConfigureAwait(false);
    }

    private static async ValueTask WriteAsync(IReadableStore reader, IWritableStore writer, ZarrFormat format, List<string> keys, CancellationToken ct)
    {
        if (format == ZarrFormat.V2)
        {
            var metadata = new JsonObject();
            foreach (var key in keys.Concat([".zgroup", ".zattrs"]).Distinct().Order(StringComparer.Ordinal))
            {
                if (await ReadAsync(reader, key, ct).ConfigureAwait(false) is { } doc) metadata[key] = doc;
            }

            if (!metadata.ContainsKey(".zgroup")) throw new ZarrMetadataException(".zgroup", "the store has no root group to consolidate");
            var root = new JsonObject { ["metadata"] = metadata, ["zarr_consolidated_format"] = 1 };
            await writer.SetAsync(new StoreKey(V2Key), ZarrJson.SerializeToUtf8(root, ZarrFormat.V2), ct).ConfigureAwait(false);
            return;
        }

        var rootDoc = await ReadAsync(reader, "zarr.json", ct).ConfigureAwait(false)
            ?? throw new ZarrMetadataException("zarr.json", "the store has no root group to consolidate");
        if (rootDoc["node_type"]?.GetValue<string>() != "group") throw new ZarrMetadataException("zarr.json", "the root node is not a group");
        var nodes = new JsonObject();
        foreach (var key in keys.Where(k => k != "zarr.json").Order(StringComparer.Ordinal))
        {
            if (await ReadAsync(reader, key, ct).ConfigureAwait(false) is not { } doc) continue;
            doc.Remove("consolidated_metadata");
            nodes[key[..^"/zarr.json".Length]] = doc;
        }

        rootDoc["consolidated_metadata"] = new JsonObject { ["kind"] = "inline", ["must_understand"] = false, ["metadata"] = nodes };
        await writer.SetAsync(new StoreKey("zarr.json"), ZarrJson.SerializeToUtf8(rootDoc, ZarrFormat.V3), ct).ConfigureAwait(false);
    }

    private static async ValueTask<JsonObject?> ReadAsync(IReadableStore store, string key, CancellationToken ct)
    {
        using var value = await store.GetAsync(new StoreKey(key), null, ct).ConfigureAwait(false);
        return value is null ? null : ZarrJson.ParseObjectKeepingNonFinite(value.Memory.Span, key);
    }
}
