using System.Text.Json;

namespace Forge.Core.Tests.Zarr;

/// <summary>Golden Zarr v2 stores written once per test run by zarr-python 2.x / xarray (tests/data/zarr/make_golden_v2.py).</summary>
public sealed class GoldenV2Fixture : IDisposable
{
    private readonly TempDir _dir = new();

    public GoldenV2Fixture()
    {
        Peers.EnsureNativeCodecs();
        Peers.RunPython("make_golden_v2.py", _dir.Path);
        using var manifest = JsonDocument.Parse(File.ReadAllText(_dir.Sub("manifest.json")));
        Cases = manifest.RootElement.EnumerateArray()
            .Select(e => new GoldenCase(e.GetProperty("name").GetString()!, e.GetProperty("dtype").GetString()!, e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray()))
            .ToList();
    }

    public string GoldenStore => _dir.Sub("golden.zarr");

    public string XarrayStore => _dir.Sub("xarray.zarr");

    public IReadOnlyList<GoldenCase> Cases { get; }

    public byte[] Expected(string name) => File.ReadAllBytes(Path.Combine(_dir.Path, "expected", name + ".bin"));

    public void Dispose() => _dir.Dispose();
}

public sealed record GoldenCase(string Name, string Dtype, long[] Shape)
{
    public override string ToString() => Name;
}
