using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Datasets.Transforms;
using static Forge.Core.Tests.Engine.Schemas;

namespace Forge.Core.Tests.Engine;

public sealed class DatasetCombinerTests
{
    private const string Days = "days since 2001-01-01";

    private static List<InputDataset> Monthly(params int[] lengths)
    {
        var inputs = new List<InputDataset>();
        double t = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            inputs.Add(Input(i, $"f{i}.nc", Gridded(lengths[i], Days), Range(t, lengths[i])));
            t += lengths[i];
        }

        return inputs;
    }

    [Fact]
    public void SegmentsFollowEachFilesOwnLength()
    {
        var target = DatasetCombiner.Combine("time", Monthly(31, 28, 31, 30));
        Assert.Equal(
            [new ConcatSegment(0, 0, 31), new ConcatSegment(1, 31, 28), new ConcatSegment(2, 59, 31), new ConcatSegment(3, 90, 30)],
            target.Segments.ToArray());
        Assert.Equal(120, target.ConcatLength);
        Assert.Equal(new Dimension("time", 120, true), target.Dimensions[0]);
        var tas = target.GetVariable("tas");
        Assert.Equal([120L, 3, 4], tas.Shape.ToArray());
        Assert.True(tas.HasConcatDim);
        Assert.False(target.GetVariable("lat").HasConcatDim);
        // One units string already: values and dtype pass through.
        Assert.Equal(Range(0, 120), target.ConcatCoordinate.ToArray());
        Assert.Equal(DataType.Float64, target.GetVariable("time").DataType);
        Assert.Null(target.GetVariable("time").TimeUnits);
    }

    [Fact]
    public void InputsMayArriveInAnyOrder()
    {
        var inputs = Monthly(31, 28, 31);
        inputs.Reverse();
        var target = DatasetCombiner.Combine("time", inputs);
        Assert.Equal([0L, 31, 59], target.Segments.Select(s => s.Start).ToArray());
        Assert.Equal("f0.nc", target.Input(0, 0).Source);
    }

    [Fact]
    public void AMissingConcatDimensionNamesTheFile()
    {
        var inputs = Monthly(3, 3);
        inputs[1] = inputs[1] with { Dataset = inputs[1].Dataset with { Schema = Gridded(3, Days) with { Dimensions = [new Dimension("t", 3), new Dimension("lat", 3), new Dimension("lon", 4)] } } };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("f1.nc", ex.Message);
    }

    [Fact]
    public void AMissingInputInTheGridIsAnError()
    {
        var inputs = Monthly(3, 3, 3);
        inputs.RemoveAt(1);
        Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", []));
    }

    [Fact]
    public void OtherDimensionSizeMismatchNamesBothFiles()
    {
        var inputs = Monthly(3, 3);
        inputs[1] = Input(1, "f1.nc", Gridded(3, Days, nLat: 5), Range(3, 3));
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("'lat'", ex.Message);
        Assert.Contains("f0.nc", ex.Message);
        Assert.Contains("f1.nc", ex.Message);
    }

    [Fact]
    public void DataTypeMismatchNamesVariableAndBothFiles()
    {
        var inputs = Monthly(3, 3);
        var schema = Gridded(3, Days);
        var tas = schema.GetVariable("tas");
        schema = schema with { Variables = schema.Variables.Replace(tas, tas with { DataType = DataType.Float64 }) };
        inputs[1] = Input(1, "f1.nc", schema, Range(3, 3));
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("'tas'", ex.Message);
        Assert.Contains("f0.nc", ex.Message);
        Assert.Contains("f1.nc", ex.Message);
    }

    [Fact]
    public void DimensionOrderMismatchIsAnError()
    {
        var inputs = Monthly(3, 3);
        var schema = Gridded(3, Days);
        var tas = schema.GetVariable("tas");
        schema = schema with { Variables = schema.Variables.Replace(tas, tas with { Dimensions = ["time", "lon", "lat"], Shape = [3, 4, 3] }) };
        inputs[1] = Input(1, "f1.nc", schema, Range(3, 3));
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("dimensions", ex.Message);
        Assert.Contains("f1.nc", ex.Message);
    }

    [Fact]
    public void AVariableMissingFromOneFileIsAnError()
    {
        var inputs = Monthly(3, 3);
        inputs[1] = Input(1, "f1.nc", Gridded(3, Days, dataVars: "pr"), Range(3, 3));
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("'tas'", ex.Message);
        Assert.Contains("f1.nc", ex.Message);
    }

    [Theory]
    [InlineData("scale_factor")]
    [InlineData("add_offset")]
    [InlineData("_FillValue")]
    [InlineData("missing_value")]
    public void PackingAttributesMustBeEqual(string attribute)
    {
        DatasetSchema WithPacking(double value)
        {
            var schema = Gridded(3, Days);
            var tas = schema.GetVariable("tas");
            return schema with { Variables = schema.Variables.Replace(tas, tas with { Attributes = tas.Attributes.With(attribute, Value(value)) }) };
        }

        var same = new List<InputDataset> { Input(0, "f0.nc", WithPacking(0.5), Range(0, 3)), Input(1, "f1.nc", WithPacking(0.5), Range(3, 3)) };
        Assert.Equal(0.5, DatasetCombiner.Combine("time", same).GetVariable("tas").Attributes[attribute]!.AsScalar());

        var differ = new List<InputDataset> { Input(0, "f0.nc", WithPacking(0.5), Range(0, 3)), Input(1, "f1.nc", WithPacking(0.25), Range(3, 3)) };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", differ));
        Assert.Contains(attribute, ex.Message);
        Assert.Contains("f0.nc", ex.Message);
        Assert.Contains("f1.nc", ex.Message);

        var absent = new List<InputDataset> { Input(0, "f0.nc", WithPacking(0.5), Range(0, 3)), Input(1, "f1.nc", Gridded(3, Days), Range(3, 3)) };
        Assert.Contains("absent", Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", absent)).Message);
    }

    [Fact]
    public void AStaticCoordinateWithAFillValueInOneFileOnlyCombinesWhenNoValueIsAFill()
    {
        // xarray compares decoded values: lat with _FillValue 1e20 in f0 and none in f1 holds the same values unless
        // one of them is 1e20. The first file's attributes are kept (combine_attrs="override").
        List<InputDataset> Inputs(float lastLat)
        {
            var inputs = Monthly(3, 3);
            var lat = inputs[0].Dataset.Schema.GetVariable("lat");
            var schema = inputs[0].Dataset.Schema with { Variables = inputs[0].Dataset.Schema.Variables.Replace(lat, lat with { Attributes = lat.Attributes.With("_FillValue", AttributeValue.FromReals(DataType.Float32, 1e20)) }) };
            var raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new float[] { 10, 20, lastLat }.AsSpan()).ToArray();
            inputs[0] = inputs[0] with { Dataset = TransformedDataset.FromSource(schema), StaticValues = inputs[0].StaticValues.Add("lat", raw) };
            inputs[1] = inputs[1] with { StaticValues = inputs[1].StaticValues.Add("lat", raw) };
            return inputs;
        }

        Assert.Equal(1e20, DatasetCombiner.Combine("time", Inputs(30)).GetVariable("lat").Attributes["_FillValue"]!.AsScalar()!.Value, 1e13);
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", Inputs(1e20f)));
        Assert.Contains("_FillValue", ex.Message);
        Assert.Contains("absent in f1.nc", ex.Message);
    }

    [Fact]
    public void StaticVariablesMustHaveEqualDigests()
    {
        var inputs = Monthly(3, 3, 3);
        inputs[2] = inputs[2] with { StaticDigests = inputs[2].StaticDigests.SetItem("lat", "OTHER") };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("'lat'", ex.Message);
        Assert.Contains("f0.nc", ex.Message);
        Assert.Contains("f2.nc", ex.Message);

        // Equal digests: written once, without the concat dim.
        var ok = DatasetCombiner.Combine("time", Monthly(3, 3, 3));
        Assert.Equal([3L], ok.GetVariable("lat").Shape.ToArray());
    }

    [Fact]
    public void AttributesComeFromTheFirstInputAsXarrayCombineAttrsOverride()
    {
        // Replaces the old pangeo-forge rule (keep only attributes equal in all inputs): open_mfdataset's default
        // combine_attrs="override" copies the first dataset's attributes, globally and per variable.
        var g0 = Attrs(("title", "ERA"), ("history", "made on monday"), ("Conventions", "CF-1.6"));
        var g1 = Attrs(("title", "ERA"), ("history", "made on tuesday"), ("Conventions", "CF-1.6"));
        var s1 = Gridded(3, Days, globals: g1);
        var tas = s1.GetVariable("tas");
        s1 = s1 with { Variables = s1.Variables.Replace(tas, tas with { Attributes = tas.Attributes.With("long_name", Value("temperature")).With("units", Value("degC")) }) };
        var inputs = new List<InputDataset> { Input(0, "f0.nc", Gridded(3, Days, globals: g0), Range(0, 3)), Input(1, "f1.nc", s1, Range(3, 3)) };
        var target = DatasetCombiner.Combine("time", inputs);
        Assert.Equal(["title", "history", "Conventions"], target.Attributes.Select(kv => kv.Key).ToArray());
        Assert.Equal("made on monday", target.Attributes.GetText("history"));
        Assert.Equal(["units"], target.GetVariable("tas").Attributes.Select(kv => kv.Key).ToArray());
        Assert.Equal("K", target.GetVariable("tas").Attributes.GetText("units"));
        Assert.Equal("degrees_north", target.GetVariable("lat").Attributes.GetText("units"));
    }

    [Fact]
    public void MergeAcceptsACoordinateWithoutAnAttributeWhenValuesAreEqual()
    {
        var pr = Gridded(4, Days, dataVars: "pr");
        var lat = pr.GetVariable("lat");
        var time = pr.GetVariable("time");
        pr = pr with { Variables = pr.Variables.Replace(lat, lat with { Attributes = AttributeSet.Empty }) };
        // The concat coordinate in other (equivalent) units: compared as instants, as xarray decodes before merging.
        pr = pr with { Variables = pr.Variables.Replace(time, time with { Attributes = Attrs(("units", "hours since 2001-01-01"), ("calendar", "standard")) }) };
        var target = DatasetCombiner.Combine("time", [
            Input(0, "tas.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 0),
            Input(0, "pr.nc", pr, Range(0, 4, 24), merge: 1)]);
        Assert.Equal("degrees_north", target.GetVariable("lat").Attributes.GetText("units"));
        Assert.Equal(["time", "lat", "lon", "tas", "pr"], target.Variables.Select(v => v.Name).ToArray());

        var shifted = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", [
            Input(0, "tas.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 0),
            Input(0, "pr.nc", Gridded(4, Days, dataVars: "pr"), [0, 1, 5, 3], merge: 1)]));
        Assert.Contains("element [2] is 2", shifted.Message);
        Assert.Contains("but 5", shifted.Message);
        Assert.Contains("pr.nc", shifted.Message);
    }

    [Fact]
    public void DifferingStaticValuesNameTheFirstDifferingElementAndBothValues()
    {
        var inputs = Monthly(3, 3);
        byte[] Lat(params float[] v) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
        inputs[0] = inputs[0] with { StaticValues = inputs[0].StaticValues.Add("lat", Lat(10, 20, 30)) };
        inputs[1] = inputs[1] with
        {
            StaticDigests = inputs[1].StaticDigests.SetItem("lat", "OTHER"),
            StaticValues = inputs[1].StaticValues.Add("lat", Lat(10, 20, 30.5f)),
        };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("element [2]: 30 in f0.nc but 30.5 in f1.nc", ex.Message);

        // Too large to keep: the message says so and shows both digests.
        inputs[1] = inputs[1] with { StaticValues = inputs[1].StaticValues.Remove("lat") };
        ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("SHA-256", ex.Message);
        Assert.Contains("OTHER", ex.Message);
    }

    [Fact]
    public void CoordinateDtypeOrDimensionMismatchSaysWhich()
    {
        var pr = Gridded(4, Days, dataVars: "pr");
        var lat = pr.GetVariable("lat");
        pr = pr with { Variables = pr.Variables.Replace(lat, lat with { DataType = DataType.Float64 }) };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", [
            Input(0, "tas.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 0),
            Input(0, "pr.nc", pr, Range(0, 4), merge: 1)]));
        Assert.Contains("dtype Float32 in tas.nc but Float64 in pr.nc", ex.Message);
    }

    /// <summary>A GRIB-like input: one reference time per file as the scalar concat coordinate, scalar step/valid_time, lat/lon on 'values'.</summary>
    private static InputDataset GribLike(int c, string name, string validTimeDigest, string stepDigest = "STEP")
    {
        var schema = Schema(new Dictionary<string, long> { ["values"] = 5 },
            Var("time", DataType.Int64, [], [], Attrs(("units", "seconds since 1970-01-01"), ("calendar", "proleptic_gregorian")), coordinate: true),
            Var("step", DataType.Float64, [], [], coordinate: true),
            Var("valid_time", DataType.Int64, [], [], coordinate: true),
            Var("latitude", DataType.Float64, ["values"], [5], coordinate: true),
            Var("longitude", DataType.Float64, ["values"], [5], coordinate: true),
            Var("t", DataType.Float32, ["values"], [5]));
        var ds = ConcatDimensionExpansion.Apply(TransformedDataset.FromSource(schema), "time");
        var digests = ImmutableDictionary<string, string>.Empty.Add("step", stepDigest).Add("valid_time", validTimeDigest).Add("latitude", "LAT").Add("longitude", "LON");
        return new InputDataset(c, 0, name, ds, [c * 86400.0], digests);
    }

    [Fact]
    public void CoordinatesEqualInEveryInputStayStaticDifferingOnesGetTheConcatDim()
    {
        // xarray open_mfdataset(concat_dim="time", coords="different") on cfgrib datasets: latitude(values) and the
        // shared step stay as they are, valid_time (one per file) becomes valid_time(time), t becomes t(time, values).
        var target = DatasetCombiner.Combine("time", [GribLike(0, "a.grib", "V0"), GribLike(1, "b.grib", "V1"), GribLike(2, "c.grib", "V2")]);
        Assert.Equal(["values"], target.GetVariable("latitude").Dimensions.ToArray());
        Assert.Equal(["values"], target.GetVariable("longitude").Dimensions.ToArray());
        Assert.Empty(target.GetVariable("step").Dimensions);
        Assert.Equal(["time"], target.GetVariable("valid_time").Dimensions.ToArray());
        Assert.Equal([3L], target.GetVariable("valid_time").Shape.ToArray());
        Assert.Equal(["time", "values"], target.GetVariable("t").Dimensions.ToArray());
        Assert.False(target.GetVariable("latitude").HasConcatDim);
    }

    [Fact]
    public void ADifferingCoordinateInMultiStepFilesIsBroadcastAlongTheirSteps()
    {
        // Replaces the refusal ("xarray would broadcast it"): coords="different" concatenates a coordinate that differs,
        // and xarray's concat broadcasts it along each input's steps, so height(time) holds 2, 2, 2, 10, 10, 10.
        DatasetSchema WithHeight(long nTime)
        {
            var s = Gridded(nTime, Days);
            return s with { Variables = s.Variables.Add(Var("height", DataType.Float64, [], [], coordinate: true)) };
        }

        var target = DatasetCombiner.Combine("time", [
            Input(0, "f0.nc", WithHeight(3), Range(0, 3), digests: ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("height", "H2")),
            Input(1, "f1.nc", WithHeight(3), Range(3, 3), digests: ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("height", "H10"))]);
        Assert.Equal(["time"], target.GetVariable("height").Dimensions.ToArray());
        Assert.Equal([6L], target.GetVariable("height").Shape.ToArray());
        Assert.True(target.GetVariable("height").HasConcatDim);
        Assert.Equal([0], target.Input(1, 0).Dataset.Origins["height"].ExpandedAxes.ToArray());
        Assert.Equal([3L], target.Input(1, 0).Dataset.Schema.GetVariable("height").Shape.ToArray());
        Assert.False(target.GetVariable("lat").HasConcatDim);

        // Equal in every input: static.
        var equal = DatasetCombiner.Combine("time", [
            Input(0, "f0.nc", WithHeight(3), Range(0, 3), digests: ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("height", "H2")),
            Input(1, "f1.nc", WithHeight(3), Range(3, 3), digests: ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("height", "H2"))]);
        Assert.Empty(equal.GetVariable("height").Dimensions);
    }

    [Fact]
    public void EveryDataVariableGetsTheConcatDimAsXarrayDataVarsAll()
    {
        // crs (grid mapping), orog and lat_bnds are data variables without time: xarray gives them time, repeating
        // each file's values along its steps; a coordinate (lat) stays static. Equal or not does not matter.
        DatasetSchema WithStatic(long nTime)
        {
            var s = Gridded(nTime, Days);
            return s with
            {
                Dimensions = s.Dimensions.Add(new Dimension("nv", 2)),
                Variables = s.Variables.Add(Var("crs", DataType.Int32, [], [])).Add(Var("orog", DataType.Float32, ["lat", "lon"], [3, 4]))
                    .Add(Var("lat_bnds", DataType.Float32, ["lat", "nv"], [3, 2])),
            };
        }

        var digests = ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("crs", "C").Add("orog", "O").Add("lat_bnds", "B");
        var target = DatasetCombiner.Combine("time", [
            Input(0, "f0.nc", WithStatic(2), Range(0, 2), digests: digests),
            Input(1, "f1.nc", WithStatic(3), Range(2, 3), digests: digests.SetItem("orog", "O2"))]);
        Assert.Equal(["time"], target.GetVariable("crs").Dimensions.ToArray());
        Assert.Equal([5L], target.GetVariable("crs").Shape.ToArray());
        Assert.Equal(["time", "lat", "lon"], target.GetVariable("orog").Dimensions.ToArray());
        Assert.Equal(["time", "lat", "nv"], target.GetVariable("lat_bnds").Dimensions.ToArray());
        Assert.Equal([3L, 3, 4], target.Input(1, 0).Dataset.Schema.GetVariable("orog").Shape.ToArray());
        Assert.Equal(["lat"], target.GetVariable("lat").Dimensions.ToArray());
    }

    [Fact]
    public void DataVarsDifferentOrMinimalKeepEqualDataVariablesStatic()
    {
        // inputs.concat.data_vars (xarray's data_vars): "different" repeats only orog (it differs), "minimal"
        // repeats none and refuses orog, naming it and both files.
        DatasetSchema WithStatic(long nTime)
        {
            var s = Gridded(nTime, Days);
            return s with { Variables = s.Variables.Add(Var("crs", DataType.Int32, [], [])).Add(Var("orog", DataType.Float32, ["lat", "lon"], [3, 4])) };
        }

        var digests = ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("crs", "C").Add("orog", "O");
        InputDataset[] Inputs(string orog1) => [
            Input(0, "f0.nc", WithStatic(2), Range(0, 2), digests: digests),
            Input(1, "f1.nc", WithStatic(3), Range(2, 3), digests: digests.SetItem("orog", orog1))];

        var different = DatasetCombiner.Combine("time", Inputs("O2"), DataVariables.Different);
        Assert.Equal([], different.GetVariable("crs").Dimensions.ToArray());
        Assert.Equal(["time", "lat", "lon"], different.GetVariable("orog").Dimensions.ToArray());

        var minimal = DatasetCombiner.Combine("time", Inputs("O"), DataVariables.Minimal);
        Assert.Equal([], minimal.GetVariable("crs").Dimensions.ToArray());
        Assert.Equal(["lat", "lon"], minimal.GetVariable("orog").Dimensions.ToArray());
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", Inputs("O2"), DataVariables.Minimal));
        Assert.Contains("'orog'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("f0.nc", ex.Message, StringComparison.Ordinal);
        Assert.Contains("f1.nc", ex.Message, StringComparison.Ordinal);

        // The default is xarray's: every data variable gets the concat dim.
        Assert.Equal(["time"], DatasetCombiner.Combine("time", Inputs("O")).GetVariable("crs").Dimensions.ToArray());
    }

    [Fact]
    public void NetCdfCoordinatesAttributeMakesCoordinatesAsXarrayDecodeCoords()
    {
        var s = Gridded(2, Days);
        var tas = s.GetVariable("tas");
        s = s with
        {
            Variables = s.Variables.Replace(tas, tas with { Attributes = tas.Attributes.With("coordinates", Value("height")) })
                .Add(Var("height", DataType.Float64, [], [])).Add(Var("crs", DataType.Int32, [], []))
                .Add(Var("bad", DataType.Float32, ["lat"], [3], Attrs(("coordinates", "crs missing")))),
            Attributes = Attrs(("coordinates", "lon_note")),
        };
        var marked = Forge.Core.Datasets.Cf.CfCoordinates.Mark(s);
        Assert.True(marked.GetVariable("height").IsCoordinate);
        Assert.False(marked.GetVariable("crs").IsCoordinate); // named only next to a missing name: xarray ignores the attribute
        Assert.False(marked.GetVariable("tas").IsCoordinate);
        Assert.False(marked.GetVariable("bad").IsCoordinate);
    }

    [Fact]
    public void MergesTwoVariableGroupsSharingCoordinates()
    {
        var inputs = new List<InputDataset>();
        for (int c = 0; c < 2; c++)
        {
            inputs.Add(Input(c, $"tas{c}.nc", Gridded(4, Days, dataVars: "tas"), Range(4 * c, 4), merge: 0));
            inputs.Add(Input(c, $"pr{c}.nc", Gridded(4, Days, dataVars: "pr"), Range(4 * c, 4), merge: 1));
        }

        var target = DatasetCombiner.Combine("time", inputs);
        Assert.Equal(["time", "lat", "lon", "tas", "pr"], target.Variables.Select(v => v.Name).ToArray());
        Assert.Equal(0, target.GetVariable("tas").MergeIndex);
        Assert.Equal(1, target.GetVariable("pr").MergeIndex);
        Assert.Equal(0, target.GetVariable("time").MergeIndex);
        Assert.Equal(Range(0, 8), target.ConcatCoordinate.ToArray());
        Assert.Equal("pr1.nc", target.Input(1, 1).Source);
    }

    [Fact]
    public void ADataVariableInTwoMergeGroupsIsAnError()
    {
        var inputs = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 0),
            Input(0, "b.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 1),
        };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("'tas'", ex.Message);
        Assert.Contains("a.nc", ex.Message);
        Assert.Contains("b.nc", ex.Message);
    }

    [Fact]
    public void IdenticalStaticVariablesMayRepeatAcrossMergeGroups()
    {
        DatasetSchema WithCrs(string dataVar)
        {
            var s = Gridded(4, Days, dataVars: dataVar);
            return s with { Variables = s.Variables.Add(Var("crs", DataType.Int32, [], [])) };
        }

        var digests = ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("crs", "C");
        var ok = DatasetCombiner.Combine("time", [
            Input(0, "a.nc", WithCrs("tas"), Range(0, 4), merge: 0, digests: digests),
            Input(0, "b.nc", WithCrs("pr"), Range(0, 4), merge: 1, digests: digests)]);
        Assert.Single(ok.Variables, v => v.Name == "crs");

        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", [
            Input(0, "a.nc", WithCrs("tas"), Range(0, 4), merge: 0, digests: digests),
            Input(0, "b.nc", WithCrs("pr"), Range(0, 4), merge: 1, digests: digests.SetItem("crs", "OTHER"))]));
        Assert.Contains("'crs'", ex.Message);
        Assert.Contains("b.nc", ex.Message);
    }

    [Fact]
    public void BoundsVariablesAreSharedAcrossMergeGroupsWhenEqual()
    {
        DatasetSchema WithLatBounds(string dataVar)
        {
            var s = Gridded(4, Days, dataVars: dataVar);
            var lat = s.GetVariable("lat");
            return s with
            {
                Dimensions = s.Dimensions.Add(new Dimension("bnds", 2)),
                Variables = s.Variables.Replace(lat, lat with { Attributes = lat.Attributes.With("bounds", Value("lat_bnds")) })
                    .Add(Var("lat_bnds", DataType.Float32, ["lat", "bnds"], [3, 2])),
            };
        }

        var digests = ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON").Add("lat_bnds", "B");
        var ok = DatasetCombiner.Combine("time", [
            Input(0, "a.nc", WithLatBounds("tas"), Range(0, 4), merge: 0, digests: digests),
            Input(0, "b.nc", WithLatBounds("pr"), Range(0, 4), merge: 1, digests: digests)]);
        Assert.Equal(0, ok.GetVariable("lat_bnds").MergeIndex);
        Assert.Single(ok.Variables, v => v.Name == "lat_bnds");

        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", [
            Input(0, "a.nc", WithLatBounds("tas"), Range(0, 4), merge: 0, digests: digests),
            Input(0, "b.nc", WithLatBounds("pr"), Range(0, 4), merge: 1, digests: digests.SetItem("lat_bnds", "OTHER"))]));
        Assert.Contains("'lat_bnds'", ex.Message);
        Assert.Contains("b.nc", ex.Message);
    }

    [Fact]
    public void MergedFilesMustAgreeOnConcatLengthAndCoordinate()
    {
        var lengths = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 0),
            Input(0, "b.nc", Gridded(5, Days, dataVars: "pr"), Range(0, 5), merge: 1),
        };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", lengths));
        Assert.Contains("a.nc", ex.Message);
        Assert.Contains("b.nc", ex.Message);

        var values = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 0),
            Input(0, "b.nc", Gridded(4, Days, dataVars: "pr"), Range(1, 4), merge: 1),
        };
        ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", values));
        Assert.Contains("a.nc", ex.Message);
        Assert.Contains("b.nc", ex.Message);

        var statics = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(4, Days, dataVars: "tas"), Range(0, 4), merge: 0),
            Input(0, "b.nc", Gridded(4, Days, dataVars: "pr"), Range(0, 4), merge: 1, digests: ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "SHIFTED")),
        };
        ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", statics));
        Assert.Contains("'lon'", ex.Message);
    }

    [Fact]
    public void HoursSinceFileStartBecomeOneUnitsStringOnTheFirstReferenceAsInt64()
    {
        // Daily files, each "hours since <its own start>", 6-hourly steps: coarsest exact unit over the axis is hours.
        var inputs = new List<InputDataset>();
        string[] starts = ["2020-02-28", "2020-02-29", "2020-03-01"];
        for (int d = 0; d < 3; d++)
            inputs.Add(Input(d, $"day{d}.nc", Gridded(4, $"hours since {starts[d]} 00:00:00"), [0, 6, 12, 18]));
        var target = DatasetCombiner.Combine("time", inputs);
        var time = target.GetVariable("time");
        Assert.Equal(DataType.Int64, time.DataType);
        Assert.Equal("hours since 2020-02-28 00:00:00", time.Attributes.GetText("units"));
        Assert.Equal("standard", time.Attributes.GetText("calendar"));
        Assert.Equal(Range(0, 12, 6), target.ConcatCoordinate.ToArray());
        Assert.Equal(Datasets.Cf.CfTimeUnit.Hours, time.TimeUnits!.Unit);
    }

    [Fact]
    public void CoarsestExactUnitIsChosen()
    {
        // Minutes-since per file, but every value lands on a whole day from the first reference → days.
        var inputs = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(2, "minutes since 2000-01-01"), [0, 1440]),
            Input(1, "b.nc", Gridded(2, "minutes since 2000-01-03"), [0, 1440]),
        };
        var target = DatasetCombiner.Combine("time", inputs);
        Assert.Equal("days since 2000-01-01 00:00:00", target.GetVariable("time").Attributes.GetText("units"));
        Assert.Equal(DataType.Int64, target.GetVariable("time").DataType);
        Assert.Equal([0.0, 1, 2, 3], target.ConcatCoordinate.ToArray());
    }

    [Fact]
    public void NoExactUnitGivesFloat64WithCorrectValues()
    {
        // Half a microsecond is not a whole number of any unit: float64 in the first file's unit.
        var inputs = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(2, "microseconds since 2000-01-01"), [0, 0.5]),
            Input(1, "b.nc", Gridded(2, "days since 2000-01-02"), [0, 0.5]),
        };
        var target = DatasetCombiner.Combine("time", inputs);
        var time = target.GetVariable("time");
        Assert.Equal(DataType.Float64, time.DataType);
        Assert.Equal("microseconds since 2000-01-01 00:00:00", time.Attributes.GetText("units"));
        Assert.Equal([0, 0.5, 86_400e6, 129_600e6], target.ConcatCoordinate.ToArray());
    }

    [Fact]
    public void MicrosecondValuesAreExactEvenFarFromYearOne()
    {
        // Absolute instants near 2000 are ~6e16 µs, beyond double's exact integers: deltas must not go through them.
        var inputs = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(2, "microseconds since 2000-01-01"), [1, 3]),
            Input(1, "b.nc", Gridded(2, "microseconds since 2000-01-01 00:00:01"), [5, 7]),
        };
        var target = DatasetCombiner.Combine("time", inputs);
        Assert.Equal(DataType.Int64, target.GetVariable("time").DataType);
        Assert.Equal([1, 3, 1_000_005, 1_000_007], target.ConcatCoordinate.ToArray());
    }

    [Fact]
    public void SubSecondOffsetsLateInALongSeriesAreNotRoundedAway()
    {
        // 30 years after the first reference, a value half a second past midnight must not count as a whole day.
        var inputs = new List<InputDataset>
        {
            Input(0, "a.nc", Gridded(1, "seconds since 1990-01-01"), [0]),
            Input(1, "b.nc", Gridded(1, "seconds since 2020-01-01"), [0.5]),
        };
        var target = DatasetCombiner.Combine("time", inputs);
        var days = CfCalendarDays(2020) - CfCalendarDays(1990);
        var time = target.GetVariable("time");
        var unit = time.TimeUnits!.Unit;
        double perUnit = Datasets.Cf.CfTimeUnits.MicrosPer(unit);
        double decodedSeconds = target.ConcatCoordinate[1] * perUnit / 1e6;
        Assert.Equal(days * 86400 + 0.5, decodedSeconds, 6);
        static long CfCalendarDays(int y) => Datasets.Cf.CfCalendar.DayNumber(Datasets.Cf.CfCalendarKind.ProlepticGregorian, y, 1, 1);
    }

    [Fact]
    public void TimeBoundsFollowTheCoordinateUnitsAsFloat64()
    {
        DatasetSchema WithBounds(string units)
        {
            var s = Gridded(2, units);
            var time = s.GetVariable("time");
            var bnds = Var("time_bnds", DataType.Float64, ["time", "nv"], [2, 2]);
            return s with
            {
                Dimensions = s.Dimensions.Add(new Dimension("nv", 2)),
                Variables = s.Variables.Replace(time, time with { Attributes = time.Attributes.With("bounds", Value("time_bnds")) }).Add(bnds),
            };
        }

        var inputs = new List<InputDataset>
        {
            Input(0, "a.nc", WithBounds("hours since 2000-01-01"), [12, 36]),
            Input(1, "b.nc", WithBounds("hours since 2000-01-03"), [12, 36]),
        };
        var target = DatasetCombiner.Combine("time", inputs);
        Assert.Equal(DataType.Float64, target.GetVariable("time").DataType);
        Assert.Equal("hours since 2000-01-01 00:00:00", target.GetVariable("time").Attributes.GetText("units"));
        var bnds = target.GetVariable("time_bnds");
        Assert.Equal(DataType.Float64, bnds.DataType);
        Assert.Equal(target.GetVariable("time").TimeUnits, bnds.TimeUnits);
        Assert.False(bnds.Attributes.Contains("units"));
        Assert.Equal([12.0, 36, 60, 84], target.ConcatCoordinate.ToArray());
    }

    [Fact]
    public void ATimeCoordinateWithoutUnitsInOneFileIsADataErrorNamingIt()
    {
        var s1 = Gridded(2, Days);
        var t = s1.GetVariable("time");
        s1 = s1 with { Variables = s1.Variables.Replace(t, t with { Attributes = t.Attributes.Without("units") }) };
        var inputs = new List<InputDataset> { Input(0, "a.nc", Gridded(2, Days), [0, 1]), Input(1, "b.nc", s1, [2, 3]) };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("b.nc", ex.Message);
        Assert.Contains("'time'", ex.Message);
    }

    [Fact]
    public void CalendarsMustMatch()
    {
        var s1 = Gridded(2, "days since 2000-01-03");
        var t = s1.GetVariable("time");
        s1 = s1 with { Variables = s1.Variables.Replace(t, t with { Attributes = t.Attributes.With("calendar", Value("noleap")) }) };
        var inputs = new List<InputDataset> { Input(0, "a.nc", Gridded(2, "days since 2000-01-01"), [0, 1]), Input(1, "b.nc", s1, [0, 1]) };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("a.nc", ex.Message);
        Assert.Contains("b.nc", ex.Message);
    }

    [Fact]
    public void EquivalentCalendarNamesKeepTheCalendarAttribute()
    {
        // "noleap" and "365_day" are one calendar; the store must still say which, or readers decode it as standard.
        DatasetSchema WithCalendar(string calendar)
        {
            var s = Gridded(2, Days);
            var t = s.GetVariable("time");
            return s with { Variables = s.Variables.Replace(t, t with { Attributes = t.Attributes.With("calendar", Value(calendar)) }) };
        }

        var target = DatasetCombiner.Combine("time", [Input(0, "a.nc", WithCalendar("noleap"), [0, 1]), Input(1, "b.nc", WithCalendar("365_day"), [2, 3])]);
        var calendar = target.GetVariable("time").Attributes.GetText("calendar");
        Assert.NotNull(calendar);
        Assert.Equal(Datasets.Cf.CfCalendarKind.NoLeap, Datasets.Cf.CfCalendar.Parse(calendar, "store"));
    }

    [Fact]
    public void NoLeapCalendarReencodesInItsOwnArithmetic()
    {
        DatasetSchema NoLeap(string units)
        {
            var s = Gridded(1, units);
            var t = s.GetVariable("time");
            return s with { Variables = s.Variables.Replace(t, t with { Attributes = t.Attributes.With("calendar", Value("noleap")) }) };
        }

        var inputs = new List<InputDataset> { Input(0, "a.nc", NoLeap("days since 2000-02-28"), [0]), Input(1, "b.nc", NoLeap("days since 2000-03-01"), [0]) };
        var target = DatasetCombiner.Combine("time", inputs);
        Assert.Equal([0.0, 1], target.ConcatCoordinate.ToArray());
        Assert.Equal("noleap", target.GetVariable("time").Attributes.GetText("calendar"));
    }

    [Fact]
    public void NonIncreasingCoordinateNamesBothFiles()
    {
        var inputs = new List<InputDataset>
        {
            Input(0, "jan.nc", Gridded(3, Days), [0, 1, 2]),
            Input(1, "feb.nc", Gridded(3, Days), [2, 3, 4]),
        };
        var ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", inputs));
        Assert.Contains("jan.nc", ex.Message);
        Assert.Contains("feb.nc", ex.Message);

        var reencoded = new List<InputDataset>
        {
            Input(0, "jan.nc", Gridded(2, "hours since 2000-01-02"), [0, 1]),
            Input(1, "feb.nc", Gridded(2, "hours since 2000-01-01"), [0, 1]),
        };
        ex = Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", reencoded));
        Assert.Contains("jan.nc", ex.Message);
        Assert.Contains("feb.nc", ex.Message);

        var withinFile = new List<InputDataset> { Input(0, "jan.nc", Gridded(3, Days), [0, 2, 1]) };
        Assert.Contains("jan.nc", Assert.ThrowsAny<DataException>(() => DatasetCombiner.Combine("time", withinFile)).Message);
    }
}
