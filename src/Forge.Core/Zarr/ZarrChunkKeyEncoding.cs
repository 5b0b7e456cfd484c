using System.Text;
using System.Text.Json.Nodes;

namespace Forge.Core.Zarr;

/// <summary>
/// How chunk indices become store keys: v3 "default" (<c>c/1/2</c>, 0-d <c>c</c>) or "v2" (<c>1.2</c>, 0-d <c>0</c>),
/// each with a separator. Zarr v2 arrays use the "v2" form with their <c>dimension_separator</c>.
/// </summary>
public sealed record ZarrChunkKeyEncoding(string Name, char Separator)
{
    public static readonly ZarrChunkKeyEncoding V3Default = new("default", '/');

    public static readonly ZarrChunkKeyEncoding V2Dot = new("v2", '.');

    public static ZarrChunkKeyEncoding DefaultFor(ZarrFormat format) => format == ZarrFormat.V3 ? V3Default : V2Dot;

    /// <summary>The key of chunk <paramref name="index"/>, relative to the array.</summary>
    public string Key(ReadOnlySpan<long> index)
    {
        var sb = new StringBuilder(Name == "default" ? "c" : "");
        if (Name != "default" && index.Length == 0) return "0";
        for (var i = 0; i < index.Length; i++)
        {
            if (i > 0 || Name == "default") sb.Append(Separator);
            sb.Append(index[i]);
        }

        return sb.ToString();
    }

    public JsonObject ToV3Json() => new() { ["name"] = Name, ["configuration"] = new JsonObject { ["separator"] = Separator.ToString() } };

    public static ZarrChunkKeyEncoding ParseV3(JsonNode? node, string key)
    {
        if (node is not JsonObject o || o["name"] is not JsonValue nv || !nv.TryGetValue<string>(out var name))
            throw new ZarrMetadataException(key, $"'chunk_key_encoding' must be an object with a 'name', not {node?.ToJsonString() ?? "null"}");
        if (name is not ("default" or "v2"))
            throw new ZarrMetadataException(key, $"'chunk_key_encoding' name must be \"default\" or \"v2\", not \"{name}\"");
        var separator = name == "default" ? "/" : ".";
        if (o["configuration"] is JsonObject c && c["separator"] is { } s)
            separator = s is JsonValue sv && sv.TryGetValue<string>(out var str) ? str : "";
        if (separator is not ("/" or "."))
            throw new ZarrMetadataException(key, $"'chunk_key_encoding' separator must be \"/\" or \".\", not {o["configuration"]?["separator"]?.ToJsonString()}");
        return new ZarrChunkKeyEncoding(name, separator[0]);
    }
}
