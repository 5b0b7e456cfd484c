using Forge.Core.Datasets;
using Forge.Formats.NetCdf;
using Forge.Formats.Tests.NetCdf;

namespace Forge.Formats.Tests;

/// <summary>Magic-byte dispatch of <see cref="DatasetOpener"/>.</summary>
[Collection(NetCdfCollection.Name)]
public sealed class DatasetOpenerTests(NetCdfFixtures fixtures)
{
    private const string XarrayGrib = "/usr/lib/python3/dist-packages/xarray/tests/data/example.grib";

    [Theory]
    [InlineData("classic", "auto", ContainerKind.NetCdf3)]
    [InlineData("cdf5_extended", "netcdf3", ContainerKind.NetCdf3)]
    [InlineData("oisst", "auto", ContainerKind.Hdf5)]
    [InlineData("oisst", "netcdf4", ContainerKind.Hdf5)]
    [InlineData("plain_h5py", "hdf5", ContainerKind.Hdf5)]
    [InlineData("offset64", "netcdf4", ContainerKind.NetCdf3)]
    public async Task NetCdf_and_hdf5_files_open_with_the_netcdf_reader(string name, string format, ContainerKind kind)
    {
        var path = fixtures.PathOf(name);
        Assert.Equal(kind, FormatSniffer.Sniff(path));
        await using var reader = await new DatasetOpener().OpenAsync(path, format);
        Assert.IsType<NetCdfDatasetReader>(reader);
        Assert.Equal(path, reader.Source);
        Assert.NotEmpty(reader.Schema.Variables);
    }

    [Fact]
    public async Task Options_reach_the_netcdf_reader()
    {
        var options = new Dictionary<string, object?> { ["direct_chunks"] = false, ["sub_groups"] = "ignore" };
        await using var reader = (NetCdfDatasetReader)await new DatasetOpener().OpenAsync(Path.Combine(fixtures.Directory, "groups.nc"), "auto", options);
        Assert.False(reader.Options.DirectChunks);
        Assert.Equal(SubGroupPolicy.Ignore, reader.Options.SubGroups);
    }

    [Fact]
    public async Task Grib_goes_to_the_registered_opener()
    {
        Assert.Equal(ContainerKind.Grib, FormatSniffer.Sniff(XarrayGrib));
        var opener = new DatasetOpener();
        var none = await Assert.ThrowsAsync<DataException>(() => opener.OpenAsync(XarrayGrib, "auto").AsTask());
        Assert.Contains(XarrayGrib, none.Message, StringComparison.Ordinal);

        string? seen = null;
        NetCdfDatasetReader? stand = null;
        opener.GribOpener = (path, _, _) =>
        {
            seen = path;
            stand = NetCdfDatasetReader.Open(fixtures.PathOf("classic"));
            return ValueTask.FromResult<IDatasetReader>(stand);
        };
        await using (var reader = await opener.OpenAsync(XarrayGrib, "grib"))
            Assert.Same(stand, reader);
        Assert.Equal(XarrayGrib, seen);
    }

    [Fact]
    public async Task Mismatches_and_unknown_files_name_the_file()
    {
        var opener = new DatasetOpener();
        var nc = fixtures.PathOf("classic");
        Assert.Contains(nc, (await Assert.ThrowsAsync<DataException>(() => opener.OpenAsync(nc, "grib").AsTask())).Message, StringComparison.Ordinal);
        Assert.Contains(XarrayGrib, (await Assert.ThrowsAsync<DataException>(() => opener.OpenAsync(XarrayGrib, "netcdf4").AsTask())).Message, StringComparison.Ordinal);

        var text = Path.Combine(fixtures.Directory, "readme.txt");
        await File.WriteAllTextAsync(text, "hello");
        var error = await Assert.ThrowsAsync<DataException>(() => opener.OpenAsync(text, "auto").AsTask());
        Assert.Equal($"{text}: not a NetCDF, HDF5 or GRIB file", error.Message);

        await Assert.ThrowsAsync<ArgumentException>(() => opener.OpenAsync(nc, "zarr").AsTask());
        var missing = Path.Combine(fixtures.Directory, "nope.nc");
        Assert.Contains(missing, (await Assert.ThrowsAsync<DataException>(() => opener.OpenAsync(missing, "auto").AsTask())).Message, StringComparison.Ordinal);
    }
}
