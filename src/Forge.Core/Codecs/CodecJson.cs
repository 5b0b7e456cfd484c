using System.Text.Json.Nodes;

namespace Forge.Core.Codecs;

/// <summary>Helpers for reading codec configurations with errors that name the codec and the field.</summary>
public static class CodecJson
{
    /// <summary>{"name": name, "configuration": configuration} (configuration omitted when null).</summary>
    public static JsonObject V3(string name, JsonObject? configuration)
    {
        var o = new JsonObject { ["name"] = name };
        if (configuration is not null) o["configuration"] = configuration;
        return o;
    }

    public static int GetInt(JsonObject? config, string codec, string field, int? defaultValue = null)
    {
        var node = config?[field];
        if (node is null)
            return defaultValue ?? throw new CodecException(codec, $"configuration is missing '{field}'");
        if (node is JsonValue v && v.TryGetValue<int>(out var i)) return i;
        if (node is JsonValue d && d.TryGetValue<double>(out var x) && x == Math.Floor(x) && x is >= int.MinValue and <= int.MaxValue) return (int)x;
        throw new CodecException(codec, $"configuration '{field}' must be an integer, not {node.ToJsonString()}");
    }

    public static string GetString(JsonObject? config, string codec, string field, string? defaultValue = null)
    {
        var node = config?[field];
        if (node is null)
            return defaultValue ?? throw new CodecException(codec, $"configuration is missing '{field}'");
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw new CodecException(codec, $"configuration '{field}' must be a string, not {node.ToJsonString()}");
    }

    public static bool GetBool(JsonObject? config, string codec, string field, bool defaultValue)
    {
        var node = config?[field];
        if (node is null) return defaultValue;
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        throw new CodecException(codec, $"configuration '{field}' must be true or false, not {node.ToJsonString()}");
    }
}
