using Forge.Formats.Inspect;
using Forge.Formats.NetCdf;
using Forge.Formats.Tests.NetCdf;

namespace Forge.Formats.Tests.Inspect;

/// <summary>The inspect text is ncdump-like CDL that ncgen turns back into the same header.</summary>
[Collection(NetCdfCollection.Name)]
public sealed class DatasetSummaryTests(NetCdfFixtures fixtures)
{
    [Fact]
    public async Task Shows_dimensions_types_layout_and_attributes()
    {
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf("oisst"));
        var text = DatasetSummary.Format(reader.Schema, reader.Source);
        Assert.StartsWith("netcdf oisst {\n", text, StringComparison.Ordinal);
        Assert.Contains("\ttime = UNLIMITED ; // (1 currently)\n", text, StringComparison.Ordinal);
        Assert.Contains("\tlat = 72 ;\n", text, StringComparison.Ordinal);
        Assert.Contains("\tshort sst(time, zlev, lat, lon) ;\n", text, StringComparison.Ordinal);
        Assert.Contains("\t\tsst:_FillValue = -999s ;\n", text, StringComparison.Ordinal);
        Assert.Contains("\t\tsst:scale_factor = 0.01f ;\n", text, StringComparison.Ordinal);
        Assert.Contains("\t\tsst:_ChunkSizes = 1, 1, 72, 144 ;\n", text, StringComparison.Ordinal);
        Assert.Contains("\t\tsst:_Shuffle = \"true\" ;\n", text, StringComparison.Ordinal);
        Assert.Contains("\t\tsst:_DeflateLevel = 1 ;\n", text, StringComparison.Ordinal);
        Assert.Contains("\tfloat lat(lat) ; // coordinate\n", text, StringComparison.Ordinal);
        Assert.Contains("// global attributes:\n\t\t:Conventions = \"CF-1.6, ACDD-1.3\" ;\n", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classic", "classic")]
    [InlineData("nc4_extended", "nc4")]
    [InlineData("nc4_features", "nc4")]
    [InlineData("oisst", "nc4")]
    [InlineData("xarray_bears", "classic")]
    public async Task Ncgen_rebuilds_the_same_header_from_the_summary(string name, string kind)
    {
        await using var original = NetCdfDatasetReader.Open(fixtures.PathOf(name));
        var cdl = Path.Combine(fixtures.Directory, name + ".summary.cdl");
        await File.WriteAllTextAsync(cdl, DatasetSummary.Format(original.Schema, original.Source));
        var rebuilt = Path.Combine(fixtures.Directory, name + ".rebuilt.nc");
        ExternalTool.Run("ncgen", "-b", "-k", kind, "-o", rebuilt, cdl);

        await using var copy = NetCdfDatasetReader.Open(rebuilt);
        Assert.Equal(original.Schema.Dimensions.Select(d => (d.Name, d.IsUnlimited, d.IsUnlimited ? 0 : d.Length)),
            copy.Schema.Dimensions.Select(d => (d.Name, d.IsUnlimited, d.IsUnlimited ? 0 : d.Length)));
        Assert.Equal(original.Schema.Attributes, copy.Schema.Attributes);
        Assert.Equal(original.Schema.Variables.Length, copy.Schema.Variables.Length);
        foreach (var (a, b) in original.Schema.Variables.Zip(copy.Schema.Variables))
        {
            Assert.Equal((a.Name, a.DataType, a.IsCoordinate), (b.Name, b.DataType, b.IsCoordinate));
            Assert.Equal(a.Dimensions.ToArray(), b.Dimensions.ToArray());
            Assert.Equal(a.Attributes, b.Attributes);
            Assert.Equal(a.Layout.Chunks.IsDefault ? [] : a.Layout.Chunks.ToArray(), b.Layout.Chunks.IsDefault ? [] : b.Layout.Chunks.ToArray());
            Assert.Equal(a.Layout.Filters.ToArray(), b.Layout.Filters.ToArray());
        }
    }
}
