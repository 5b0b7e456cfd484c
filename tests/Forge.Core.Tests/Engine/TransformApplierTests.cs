using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Transforms;
using static Forge.Core.Tests.Engine.Schemas;

namespace Forge.Core.Tests.Engine;

public sealed class TransformApplierTests
{
    /// <summary>tas(time, level, lat, lon) with level of length 1, plus bounds, an auxiliary coordinate and a second variable.</summary>
    private static DatasetSchema Source() => Schema(
        new Dictionary<string, long> { ["time"] = 2, ["level"] = 1, ["lat"] = 3, ["lon"] = 4, ["nv"] = 2 },
        Attrs(("title", "test")),
        Var("time", DataType.Float64, ["time"], [2], Attrs(("units", "days since 2000-01-01"), ("bounds", "time_bnds"))),
        Var("time_bnds", DataType.Float64, ["time", "nv"], [2, 2]),
        Var("level", DataType.Float32, ["level"], [1], Attrs(("units", "hPa"))),
        Var("lat", DataType.Float32, ["lat"], [3]),
        Var("lon", DataType.Float32, ["lon"], [4]),
        Var("area", DataType.Float32, ["lat", "lon"], [3, 4]),
        Var("tas", DataType.Int16, ["time", "level", "lat", "lon"], [2, 1, 3, 4],
            Attrs(("scale_factor", 0.01), ("add_offset", 273.15), ("_FillValue", (short)-32767), ("missing_value", (short)-32768), ("coordinates", "area"), ("units", "K"))),
        Var("pr", DataType.Float32, ["time", "lat", "lon"], [2, 3, 4]));

    private static TransformedDataset Apply(params DatasetTransform[] transforms) => TransformApplier.Apply(Source(), transforms, "in/file-7.nc");

    [Fact]
    public void NoTransformsIsIdentity()
    {
        var ds = Apply();
        Assert.Equal(Source().Variables.Select(v => (v.Name, v.DataType, string.Join(',', v.Dimensions))), ds.Schema.Variables.Select(v => (v.Name, v.DataType, string.Join(',', v.Dimensions))));
        Assert.All(ds.Schema.Variables, v =>
        {
            var o = ds.Origins[v.Name];
            Assert.Equal((v.Name, v.DataType, string.Join(",", v.Dimensions), 0, (CfUnpacking?)null), (o.SourceVariable, o.SourceDataType, string.Join(",", o.SourceDimensions), o.SqueezedAxes.Length, o.Unpacking));
        });
    }

    [Fact]
    public void SqueezeDropsTheDimensionAndItsCoordinateAndRecordsTheSourceAxis()
    {
        var ds = Apply(new DatasetTransform.Squeeze(["level"]));
        Assert.Null(ds.Schema.FindDimension("level"));
        Assert.Null(ds.Schema.FindVariable("level"));
        Assert.False(ds.Origins.ContainsKey("level"));
        var tas = ds.Schema.GetVariable("tas");
        Assert.Equal(["time", "lat", "lon"], tas.Dimensions.ToArray());
        Assert.Equal([2L, 3, 4], tas.Shape.ToArray());
        var origin = ds.Origins["tas"];
        Assert.Equal("tas", origin.SourceVariable);
        Assert.Equal(["time", "level", "lat", "lon"], origin.SourceDimensions.ToArray());
        Assert.Equal([1], origin.SqueezedAxes.ToArray());
        Assert.Empty(ds.Origins["pr"].SqueezedAxes);
    }

    [Fact]
    public void SqueezingTwiceMapsLaterAxesBackToSourceAxes()
    {
        var src = Schema(new Dictionary<string, long> { ["a"] = 1, ["b"] = 5, ["c"] = 1, ["d"] = 2 },
            Var("x", DataType.Float32, ["a", "b", "c", "d"], [1, 5, 1, 2]));
        var ds = TransformApplier.Apply(src, [new DatasetTransform.Squeeze(["a"]), new DatasetTransform.Squeeze(["c"])], "f.nc");
        Assert.Equal(["b", "d"], ds.Schema.GetVariable("x").Dimensions.ToArray());
        Assert.Equal([0, 2], ds.Origins["x"].SqueezedAxes.ToArray());
    }

    [Fact]
    public void SqueezeErrorsNameTheInput()
    {
        var ex = Assert.Throws<TransformException>(() => Apply(new DatasetTransform.Squeeze(["lat"])));
        Assert.Contains("in/file-7.nc", ex.Message);
        Assert.Contains("'lat'", ex.Message);
        ex = Assert.Throws<TransformException>(() => Apply(new DatasetTransform.Squeeze(["height"])));
        Assert.Contains("in/file-7.nc", ex.Message);
        Assert.Contains("#1", ex.Message);
        // What a caller needs to point at the recipe entry and suggest a name: the step, the name, the names there are.
        Assert.Equal(1, ex.Step);
        Assert.Equal("height", ex.MissingName);
        Assert.Contains("lat", ex.Candidates);
        Assert.Equal("squeeze: no dimension 'height'", ex.What);
    }

    [Fact]
    public void DropRemovesVariablesAndUnusedDimensions()
    {
        var ds = Apply(new DatasetTransform.Drop(["time_bnds"]));
        Assert.Null(ds.Schema.FindVariable("time_bnds"));
        Assert.Null(ds.Schema.FindDimension("nv"));
        Assert.False(ds.Origins.ContainsKey("time_bnds"));
        var ex = Assert.Throws<TransformException>(() => Apply(new DatasetTransform.Drop(["nope"])));
        Assert.Contains("in/file-7.nc", ex.Message);
        Assert.Contains("'nope'", ex.Message);
    }

    [Fact]
    public void SelectKeepsDimensionCoordinatesCfCoordinatesAndBounds()
    {
        var ds = Apply(new DatasetTransform.Select(["tas"]));
        Assert.Equal(["time", "time_bnds", "level", "lat", "lon", "area", "tas"], ds.Schema.Variables.Select(v => v.Name).ToArray());
        Assert.Equal(ds.Schema.Variables.Select(v => v.Name).Order(), ds.Origins.Keys.Order());

        var pr = Apply(new DatasetTransform.Select(["pr"]));
        Assert.Equal(["time", "time_bnds", "lat", "lon", "pr"], pr.Schema.Variables.Select(v => v.Name).ToArray());
        Assert.Null(pr.Schema.FindDimension("level"));
        Assert.Contains("'nope'", Assert.Throws<TransformException>(() => Apply(new DatasetTransform.Select(["nope"]))).Message);
    }

    [Fact]
    public void RenameRenamesVariablesAndDimensionsButReadsTheSource()
    {
        var ds = Apply(new DatasetTransform.Rename(ImmutableDictionary<string, string>.Empty.Add("tas", "t2m").Add("lat", "latitude")));
        var t2m = ds.Schema.GetVariable("t2m");
        Assert.Equal(["time", "level", "latitude", "lon"], t2m.Dimensions.ToArray());
        Assert.NotNull(ds.Schema.FindVariable("latitude"));
        Assert.Equal(3, ds.Schema.FindDimension("latitude")!.Length);
        Assert.Null(ds.Schema.FindDimension("lat"));
        Assert.Equal("tas", ds.Origins["t2m"].SourceVariable);
        Assert.Equal("lat", ds.Origins["latitude"].SourceVariable);
        Assert.False(ds.Origins.ContainsKey("tas"));
    }

    [Fact]
    public void RenameErrors()
    {
        Assert.Contains("in/file-7.nc", Assert.Throws<TransformException>(() => Apply(new DatasetTransform.Rename(ImmutableDictionary<string, string>.Empty.Add("nope", "x")))).Message);
        var ex = Assert.Throws<TransformException>(() => Apply(new DatasetTransform.Rename(ImmutableDictionary<string, string>.Empty.Add("tas", "pr"))));
        Assert.Contains("'pr'", ex.Message);
    }

    [Fact]
    public void SqueezeThenRenameThenSelectKeepsTheOrigin()
    {
        var ds = Apply(new DatasetTransform.Squeeze(["level"]), new DatasetTransform.Rename(ImmutableDictionary<string, string>.Empty.Add("tas", "t")), new DatasetTransform.Select(["t"]));
        var o = ds.Origins["t"];
        Assert.Equal(("tas", DataType.Int16), (o.SourceVariable, o.SourceDataType));
        Assert.Equal(["time", "level", "lat", "lon"], o.SourceDimensions.ToArray());
        Assert.Equal([1], o.SqueezedAxes.ToArray());
        Assert.Equal(["time", "lat", "lon"], ds.Schema.GetVariable("t").Dimensions.ToArray());
    }

    [Fact]
    public void SetCoordsMarksCoordinatesAndRecordsThemOnDataVariables()
    {
        var ds = Apply(new DatasetTransform.SetCoords(["area"]));
        Assert.True(ds.Schema.GetVariable("area").IsCoordinate);
        Assert.Equal("area", ds.Schema.GetVariable("tas").Attributes.GetText("coordinates"));
        Assert.Equal("area", ds.Schema.GetVariable("pr").Attributes.GetText("coordinates"));
        Assert.Null(ds.Schema.GetVariable("time").Attributes.GetText("coordinates"));
        Assert.Contains("'x'", Assert.Throws<TransformException>(() => Apply(new DatasetTransform.SetCoords(["x"]))).Message);
    }

    [Fact]
    public void AttrsSetAndDeleteIncludingGlobal()
    {
        var edits = ImmutableDictionary<string, ImmutableArray<KeyValuePair<string, AttributeValue?>>>.Empty
            .Add("global", [new("title", null), new("source", Value("forge"))])
            .Add("pr", [new("units", Value("mm/day"))]);
        var ds = Apply(new DatasetTransform.SetAttributes(edits));
        Assert.False(ds.Schema.Attributes.Contains("title"));
        Assert.Equal("forge", ds.Schema.Attributes.GetText("source"));
        Assert.Equal("mm/day", ds.Schema.GetVariable("pr").Attributes.GetText("units"));
        var bad = ImmutableDictionary<string, ImmutableArray<KeyValuePair<string, AttributeValue?>>>.Empty.Add("nope", [new("a", null)]);
        Assert.Contains("in/file-7.nc", Assert.Throws<TransformException>(() => Apply(new DatasetTransform.SetAttributes(bad))).Message);
    }

    [Fact]
    public void DecodeCfGivesFloat32WithNaNFillAndRecordsTheUnpacking()
    {
        var ds = Apply(new DatasetTransform.DecodeCf(["tas"]));
        var tas = ds.Schema.GetVariable("tas");
        Assert.Equal(DataType.Float32, tas.DataType);
        Assert.False(tas.Attributes.Contains("scale_factor"));
        Assert.False(tas.Attributes.Contains("add_offset"));
        Assert.False(tas.Attributes.Contains("missing_value"));
        var fill = tas.Attributes["_FillValue"]!;
        Assert.Equal(DataType.Float32, fill.Type);
        Assert.True(double.IsNaN(fill.AsScalar()!.Value));
        Assert.Equal("K", tas.Attributes.GetText("units"));
        var origin = ds.Origins["tas"];
        Assert.Equal(DataType.Int16, origin.SourceDataType);
        Assert.Equal(0.01, origin.Unpacking!.ScaleFactor);
        Assert.Equal(273.15, origin.Unpacking.AddOffset);
        Assert.Equal([-32767.0, -32768.0], origin.Unpacking.FillValues.ToArray());
    }

    [Fact]
    public void DecodeCfWithoutPackingIsIdentityScale()
    {
        var ds = Apply(new DatasetTransform.DecodeCf(["pr"]));
        Assert.Equal((1.0, 0.0), (ds.Origins["pr"].Unpacking!.ScaleFactor, ds.Origins["pr"].Unpacking!.AddOffset));
        Assert.Empty(ds.Origins["pr"].Unpacking!.FillValues);
    }

    [Fact]
    public void DecodeCfErrorsNameInputAndVariable()
    {
        var src = Source();
        var pr = src.GetVariable("pr");
        src = src with { Variables = src.Variables.Replace(pr, pr with { Attributes = Attrs(("scale_factor", AttributeValue.FromReals(DataType.Float64, 1, 2))) }) };
        var ex = Assert.Throws<DataException>(() => TransformApplier.Apply(src, [new DatasetTransform.DecodeCf(["pr"])], "in/file-7.nc"));
        Assert.Contains("in/file-7.nc", ex.Message);
        Assert.Contains("'pr'", ex.Message);
        Assert.Contains("scale_factor", ex.Message);
        Assert.Contains("'nope'", Assert.Throws<TransformException>(() => Apply(new DatasetTransform.DecodeCf(["nope"]))).Message);
    }
}
