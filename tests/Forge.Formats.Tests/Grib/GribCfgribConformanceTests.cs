using System.Text.Json;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Formats.Grib;

namespace Forge.Formats.Tests.Grib;

/// <summary>Forge's GRIB datasets equal cfgrib's: dimensions, coordinates, attributes and every value.</summary>
[Collection(GribCollection.Name)]
public sealed class GribCfgribConformanceTests(GribFixtures fixtures)
{
    public static TheoryData<string> Files => new(
        "cdo_grib2_simple.grib2",
        "cdo_grib1_simple.grib",
        "cdo_grib2_ccsds.grib2",
        "cdo_grib2_jpeg.grib2",
        "cdo_grib2_jpeg_missing.grib2",
        "cdo_grib1_p8_missing.grib",
        "eccodes_grib2_complex.grib2",
        "eccodes_grib2_ccsds.grib2",
        "eccodes_grib1_second_order.grib",
        "eccodes_grib2_ensemble.grib2",
        "eccodes_grib1_times.grib",
        "sample_GRIB1.grib",
        "sample_GRIB2.grib",
        "sample_regular_ll_pl_grib2.grib",
        "sample_regular_ll_sfc_grib1.grib",
        "sample_regular_gg_sfc_grib1.grib",
        "sample_regular_gg_pl_grib2.grib",
        "sample_reduced_gg_pl_32_grib2.grib",
        "sample_reduced_gg_pl_48_grib1.grib",
        "sample_reduced_gg_ml_grib2.grib",
        "sample_rotated_ll_sfc_grib2.grib",
        "sample_ccsds_grib2.grib",
        "sample_reduced_rotated_gg_sfc_jpeg_grib2.grib",
        "sample_polar_stereographic_sfc_grib2.grib",
        "sample_gg_sfc_grib2.grib",
        "eccodes_grib2_minutes.grib2",
        "eccodes_grib2_pdt31.grib2",
        "eccodes_grib2_ncep32769.grib2",
        "eccodes_grib2_multifield.grib2",
        "bulletin_grib2.grib2",
        "bulletin_12000_grib1.grib",
        "steps_30min.grib2",
        "steps_90s.grib2",
        "steps_15min_grib1.grib",
        "steps_15min_code14.grib2",
        "eccodes_grib2_unstructured.grib2",
        "eccodes_grib2_albers.grib2",
        "eccodes_grib2_multifield_ncep.grib2");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Dataset_equals_cfgrib(string file)
    {
        await AssertEqualsCfgribAsync(file);
    }

    [Fact]
    public async Task Xarray_example_grib_equals_cfgrib()
    {
        Assert.True(File.Exists(GribFixtures.XarrayExample), "python3-xarray's example.grib is part of the setup");
        await AssertEqualsCfgribAsync("example.grib");
    }

    private async Task AssertEqualsCfgribAsync(string file)
    {
        var expected = fixtures.DumpOf(file);
        Assert.Null(expected.Error);
        await using var reader = await GribDatasetReader.OpenAsync(fixtures.PathOf(file), null, CancellationToken.None);
        var schema = reader.Schema;

        Assert.Equal(expected.Dimensions.ToArray(), schema.Dimensions.Select(d => (d.Name, d.Length)).ToArray());
        AssertAttributes(file, expected.Attributes, schema.Attributes);
        Assert.Equal(expected.Variables.Select(v => v.Name).Order(), schema.Variables.Select(v => v.Name).Order());

        foreach (var variable in expected.Variables)
        {
            var ours = schema.GetVariable(variable.Name);
            var context = $"{file}:{variable.Name}";
            Assert.True(variable.Value.GetProperty("dims").EnumerateArray().Select(e => e.GetString()).SequenceEqual(ours.Dimensions), context + " dims");
            if (variable.Value.GetProperty("dtype").GetString() == "float32") Assert.Equal(DataType.Float32, ours.DataType);
            AssertAttributes(context, variable.Value.GetProperty("attrs").EnumerateObject(), ours.Attributes);

            var want = expected.Values(variable.Value);
            var got = await GribTestData.ReadAllAsync(reader, variable.Name);
            var at = GribTestData.FirstDifference(want, got);
            if (at >= 0)
            {
                Assert.Fail($"{context}: element {at} differs: cfgrib {(at < want.Length ? want[at] : double.NaN)}, Forge {(at < got.Length ? got[at] : double.NaN)} (lengths {want.Length}/{got.Length})");
            }
        }
    }

    private static void AssertAttributes(string context, IEnumerable<JsonProperty> expected, AttributeSet actual)
    {
        var wanted = expected.ToList();
        Assert.Equal(wanted.Select(p => p.Name).Order(StringComparer.Ordinal), actual.Select(a => a.Key).Order(StringComparer.Ordinal));
        foreach (var p in wanted)
        {
            var value = actual[p.Name]!;
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.String:
                    Assert.True(p.Value.GetString() == value.Text, $"{context} attribute {p.Name}: cfgrib '{p.Value.GetString()}', Forge {value}");
                    break;
                case JsonValueKind.Number:
                    Assert.True(!value.IsText && value.AsScalar() == p.Value.GetDouble(), $"{context} attribute {p.Name}: cfgrib {p.Value}, Forge {value}");
                    if (p.Value.TryGetInt64(out _) && !p.Value.GetRawText().Contains('.')) Assert.True(value.Type.IsInteger(), $"{context} attribute {p.Name} should be an integer");
                    break;
                case JsonValueKind.Array:
                    Assert.Equal(p.Value.EnumerateArray().Select(e => e.GetDouble()), value.AsDoubles());
                    break;
                default:
                    Assert.Fail($"{context} attribute {p.Name}: unexpected JSON {p.Value.ValueKind}");
                    break;
            }
        }
    }
}
