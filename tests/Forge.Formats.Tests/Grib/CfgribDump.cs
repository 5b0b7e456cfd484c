using System.Text.Json;

namespace Forge.Formats.Tests.Grib;

/// <summary>cfgrib's dataset for one file, as written by tests/data/grib/cfgrib_dump.py.</summary>
public sealed class CfgribDump
{
    private CfgribDump(string directory, JsonElement root)
    {
        Directory = directory;
        Root = root;
    }

    public string Directory { get; }

    public JsonElement Root { get; }

    public string? Error => Root.TryGetProperty("error", out var e) ? e.GetString() : null;

    public IEnumerable<(string Name, long Length)> Dimensions =>
        Root.GetProperty("dimensions").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64()));

    public IEnumerable<JsonProperty> Attributes => Root.GetProperty("attributes").EnumerateObject();

    public IEnumerable<JsonProperty> Variables => Root.GetProperty("variables").EnumerateObject();

    public static CfgribDump Load(string directory, string name)
    {
        using var stream = File.OpenRead(Path.Combine(directory, name + ".json"));
        using var doc = JsonDocument.Parse(stream);
        return new CfgribDump(directory, doc.RootElement.Clone());
    }

    public double[] Values(JsonElement variable)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Directory, variable.GetProperty("bin").GetString()!));
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray();
    }
}
