using System.Text.Json.Nodes;
using Forge.Core.Codecs;
using Forge.Core.Storage;

namespace Forge.Core.Zarr;

/// <summary>
/// Opens the root group of a store and lists its arrays (at any depth, by path) from consolidated metadata when
/// present, otherwise from a store listing.
/// </summary>
public sealed class ZarrGroupReader
{
    private readonly IReadableStore _store;

    private ZarrGroupReader(IReadableStore store, ZarrFormat format, JsonObject attributes, IReadOnlyDictionary<string, ZarrArrayMetadata> arrays, bool consolidated)
    {
        _store = store;
        Format = format;
        Attributes = attributes;
        Arrays = arrays;
        IsConsolidated = consolidated;
    }

    public ZarrFormat Format { get; }

    public JsonObject Attributes { get; }

    /// <summary>Array metadata by path relative to the root ("sst", "sub/x").</summary>
    public IReadOnlyDictionary<string, ZarrArrayMetadata> Arrays { get; }

    /// <summary>True when the arrays came from consolidated metadata.</summary>
    public bool IsConsolidated { get; }

    public ZarrArrayReader OpenArray(string path) =>
        Arrays.TryGetValue(ZarrPath.Normalize(path), out var meta) ? new ZarrArrayReader(_store, path, meta)
            : throw new KeyNotFoundException($"no array '{path}' in the group (arrays: {string.Join(", ", Arrays.Keys)})");

    /// <summary>Opens the store's root group (v3 <c>zarr.json</c> or v2 <c>.zgroup</c>).</summary>
    public static async ValueTask<ZarrGroupReader> OpenAsync(IReadableStore store, CancellationToken ct = default, CodecRegistry? registry = null)
    {
        var root = await ReadAsync(store, "zarr.json", ct).ConfigureAwait(false);
        if (root is not null)
        {
            if (root["node_type"]?.GetValue<string>() != "group") throw new ZarrMetadataException("zarr.json", "the root node is not a group");
            var attrs = root["attributes"] as JsonObject ?? [];
            if (root["consolidated_metadata"] is JsonObject { } cm && cm["metadata"] is JsonObject nodes)
            {
                var arrays = new Dictionary<string, ZarrArrayMetadata>(StringComparer.Ordinal);
                foreach (var (path, doc) in nodes)
                {
                    if (doc is JsonObject o && o["node_type"]?.GetValue<string>() == "array")
                        arrays[path] = ZarrArrayMetadata.Parse(o, $"zarr.json: consolidated_metadata/{path}", null, registry);
                }

                return new ZarrGroupReader(store, ZarrFormat.V3, attrs, arrays, true);
            }

            return new ZarrGroupReader(store, ZarrFormat.V3, attrs, await ListArraysAsync(store, "zarr.json", registry, ct).ConfigureAwait(false), false);
        }

        if (await ReadAsync(store, ".zgroup", ct).ConfigureAwait(false) is null)
            throw new ZarrMetadataException(".zgroup", "no Zarr group at the store root (neither zarr.json nor .zgroup exists)");
        var rootAttrs = await ReadAsync(store, ".zattrs", ct).ConfigureAwait(false) ?? [];
        if (await ReadAsync(store, ZarrConsolidation.V2Key, ct).ConfigureAwait(false) is { } zmeta)
        {
            if (zmeta["metadata"] is not JsonObject docs) throw new ZarrMetadataException(ZarrConsolidation.V2Key, "'metadata' must be an object");
            var arrays = new Dictionary<string, ZarrArrayMetadata>(StringComparer.Ordinal);
            foreach (var (key, doc) in docs)
            {
                if (!key.EndsWith("/.zarray", StringComparison.Ordinal) || doc is not JsonObject o) continue;
                var path = key[..^"/.zarray".Length];
                arrays[path] = ZarrArrayMetadata.Parse(o, $"{ZarrConsolidation.V2Key}: {key}", docs[$"{path}/.zattrs"] as JsonObject, registry);
            }

            return new ZarrGroupReader(store, ZarrFormat.V2, rootAttrs, arrays, true);
        }

        return new ZarrGroupReader(store, ZarrFormat.V2, rootAttrs, await ListArraysAsync(store, ".zarray", registry, ct).ConfigureAwait(false), false);
    }

    private static async ValueTask<Dictionary<string, ZarrArrayMetadata>> ListArraysAsync(IReadableStore store, string documentName, CodecRegistry? registry, CancellationToken ct)
    {
        if (store is not IListableStore listable)
            throw new ZarrMetadataException(documentName, "the group has no consolidated metadata and the store cannot be listed");
        var arrays = new Dictionary<string, ZarrArrayMetadata>(StringComparer.Ordinal);
        await foreach (var key in listable.ListAsync("", ct).ConfigureAwait(false))
        {
            if (!key.Value.EndsWith("/" + documentName, StringComparison.Ordinal)) continue;
            var path = key.Value[..^(documentName.Length + 1)];
            var doc = await ReadAsync(store, key.Value, ct).ConfigureAwait(false);
            if (doc is null || (documentName == "zarr.json" && doc["node_type"]?.GetValue<string>() != "array")) continue;
            var attrs = documentName == ".zarray" ? await ReadAsync(store, path + "/.zattrs", ct).ConfigureAwait(false) : null;
            arrays[path] = ZarrArrayMetadata.Parse(doc, key.Value, attrs, registry);
        }

        return arrays;
    }

    private static async ValueTask<JsonObject?> ReadAsync(IReadableStore store, string key, CancellationToken ct)
    {
        using var value = await store.GetAsync(new StoreKey(key), null, ct).ConfigureAwait(false);
        return value is null ? null : ZarrJson.ParseObject(value.Memory.Span, key);
    }
}
