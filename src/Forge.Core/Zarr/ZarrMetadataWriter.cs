using System.Text.Json.Nodes;
using Forge.Core.Storage;

namespace Forge.Core.Zarr;

/// <summary>
/// Writes metadata documents. Kept apart from chunk writing because the pipeline writes an array's metadata only
/// after the data it describes (a reader never sees metadata for chunks that are not there yet).
/// </summary>
public static class ZarrMetadataWriter
{
    /// <summary>Writes <c>.zarray</c> + <c>.zattrs</c> (v2) or <c>zarr.json</c> (v3) for the array at <paramref name="arrayPath"/>.</summary>
    public static async ValueTask WriteArrayAsync(IWritableStore store, string arrayPath, ZarrArrayMetadata metadata, CancellationToken ct = default)
    {
        var path = ZarrPath.Normalize(arrayPath);
        var doc = metadata.ToJson();
        if (metadata.Format == ZarrFormat.V2)
        {
            await store.SetAsync(ZarrPath.Key(path, ".zarray"), ZarrJson.SerializeToUtf8(doc, ZarrFormat.V2), ct).ConfigureAwait(false);
            await store.SetAsync(ZarrPath.Key(path, ".zattrs"), ZarrJson.SerializeToUtf8(metadata.ToV2AttributesJson(), ZarrFormat.V2), ct).ConfigureAwait(false);
        }
        else
        {
            await store.SetAsync(ZarrPath.Key(path, "zarr.json"), ZarrJson.SerializeToUtf8(doc, ZarrFormat.V3), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a group: <c>.zgroup</c> (+ <c>.zattrs</c> when attributes are given) for v2, <c>zarr.json</c> for v3.</summary>
    public static async ValueTask WriteGroupAsync(IWritableStore store, string groupPath, ZarrFormat format, JsonObject? attributes = null, CancellationToken ct = default)
    {
        var path = ZarrPath.Normalize(groupPath);
        if (format == ZarrFormat.V2)
        {
            await store.SetAsync(ZarrPath.Key(path, ".zgroup"), ZarrJson.SerializeToUtf8(new JsonObject { ["zarr_format"] = 2 }, format), ct).ConfigureAwait(false);
            if (attributes is not null)
                await store.SetAsync(ZarrPath.Key(path, ".zattrs"), ZarrJson.SerializeToUtf8(attributes, format), ct).ConfigureAwait(false);
        }
        else
        {
            await store.SetAsync(ZarrPath.Key(path, "zarr.json"), ZarrJson.SerializeToUtf8(GroupV3Json(attributes), format), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The v3 group document.</summary>
    public static JsonObject GroupV3Json(JsonObject? attributes) => new()
    {
        ["zarr_format"] = 3,
        ["node_type"] = "group",
        ["attributes"] = attributes?.DeepClone() ?? new JsonObject(),
    };
}
