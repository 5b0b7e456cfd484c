using System.Text.Json;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>
/// Generates every fixture once per test run into a temp directory (ncgen from CDL, cdo, python netCDF4/h5py,
/// Debian's xarray test files) and dumps netCDF4-python's raw view of each for byte-for-byte comparison.
/// </summary>
public sealed class NetCdfFixtures : IDisposable
{
    private const string XarrayData = "/usr/lib/python3/dist-packages/xarray/tests/data";

    /// <summary>Fixture name → how it is made. Names are used as theory data.</summary>
    public static readonly string[] Names =
    [
        "classic", "offset64", "nc4classic", "nc4_classic_types", "cdf5_extended", "nc4_extended", "nc4_features",
        "cdo_nc1", "cdo_nc2", "cdo_nc5", "cdo_nc4_zip1", "cdo_nc4c_zip1", "oisst", "plain_h5py",
        "xarray_bears", "xarray_example_1",
    ];

    public NetCdfFixtures()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("forge-netcdf-").FullName;
        string Cdl(string name) => ExternalTool.Script(name);
        var jobs = new List<Action>
        {
            () => ExternalTool.Run("ncgen", "-b", "-k", "classic", "-o", PathOf("classic"), Cdl("classic_types.cdl")),
            () => ExternalTool.Run("ncgen", "-b", "-k", "64-bit-offset", "-o", PathOf("offset64"), Cdl("classic_types.cdl")),
            () => ExternalTool.Run("ncgen", "-b", "-k", "nc7", "-o", PathOf("nc4classic"), Cdl("classic_types.cdl")),
            () => ExternalTool.Run("ncgen", "-b", "-k", "nc4", "-o", PathOf("nc4_classic_types"), Cdl("classic_types.cdl")),
            () => ExternalTool.Run("ncgen", "-b", "-k", "cdf5", "-o", PathOf("cdf5_extended"), Cdl("extended_types.cdl")),
            () => ExternalTool.Run("ncgen", "-b", "-k", "nc4", "-o", PathOf("nc4_extended"), Cdl("extended_types.cdl")),
            () => ExternalTool.Run("ncgen", "-b", "-k", "nc4", "-o", PathOf("nc4_features"), Cdl("netcdf4_features.cdl")),
            () => ExternalTool.Run("ncgen", "-b", "-k", "nc4", "-o", Path.Combine(Directory, "groups.nc"), Cdl("make_groups.cdl")),
            () => Cdo("nc1", "cdo_nc1"),
            () => Cdo("nc2", "cdo_nc2"),
            () => Cdo("nc5", "cdo_nc5"),
            () => Cdo("nc4", "cdo_nc4_zip1", "-z", "zip_1"),
            () => Cdo("nc4c", "cdo_nc4c_zip1", "-z", "zip_1"),
            () => ExternalTool.Run(ExternalTool.Python, ExternalTool.Script("make_oisst.py"), PathOf("oisst")),
            () => ExternalTool.Run(ExternalTool.Python, ExternalTool.Script("make_plain_hdf5.py"), PathOf("plain_h5py")),
            () => File.Copy(Path.Combine(XarrayData, "bears.nc"), PathOf("xarray_bears")),
            () => File.Copy(Path.Combine(XarrayData, "example_1.nc"), PathOf("xarray_example_1")),
        };
        Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 2 }, [.. jobs]);

        var dumpArgs = new List<string> { ExternalTool.Script("dump_raw.py") };
        foreach (var name in Names)
        {
            dumpArgs.Add(PathOf(name));
            dumpArgs.Add(DumpDirectory(name));
        }

        ExternalTool.Run(ExternalTool.Python, [.. dumpArgs]);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name + (name == "plain_h5py" ? ".h5" : ".nc"));

    public string DumpDirectory(string name) => Path.Combine(Directory, name + ".dump");

    public RawManifest Manifest(string name) =>
        JsonSerializer.Deserialize<RawManifest>(File.ReadAllText(Path.Combine(DumpDirectory(name), "manifest.json")), JsonOptions)!;

    public byte[] RawBytes(string name, string variable) => File.ReadAllBytes(Path.Combine(DumpDirectory(name), variable + ".bin"));

    /// <summary>Copies a fixture so a test can damage it.</summary>
    public string CopyOf(string name, string suffix)
    {
        var copy = Path.Combine(Directory, $"{name}.{suffix}{Path.GetExtension(PathOf(name))}");
        File.Copy(PathOf(name), copy, overwrite: true);
        return copy;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }

    private void Cdo(string format, string name, params string[] extra) =>
        ExternalTool.Run("cdo", ["-s", "-f", format, .. extra, "settaxis,2000-01-01,00:00:00,1day", "-topo,r36x18", PathOf(name)]);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
}

public sealed record RawManifest(string Format, RawDimension[] Dims, string[] Attributes, RawVariable[] Variables);

public sealed record RawDimension(string Name, long Size, bool Unlimited);

public sealed record RawVariable(string Name, string[] Dims, long[] Shape, string Dtype, string[] Attributes);
