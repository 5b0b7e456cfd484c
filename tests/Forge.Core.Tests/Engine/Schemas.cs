using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Datasets.Transforms;

namespace Forge.Core.Tests.Engine;

/// <summary>Small builders for in-memory schemas and combiner inputs.</summary>
internal static class Schemas
{
    public static AttributeSet Attrs(params (string Key, object Value)[] items) =>
        new(items.Select(kv => new KeyValuePair<string, AttributeValue>(kv.Key, Value(kv.Value))));

    public static AttributeValue Value(object v) => v switch
    {
        string s => AttributeValue.FromText(s),
        double d => AttributeValue.FromReals(DataType.Float64, d),
        float f => AttributeValue.FromReals(DataType.Float32, f),
        short s => AttributeValue.FromIntegers(DataType.Int16, s),
        int i => AttributeValue.FromIntegers(DataType.Int32, i),
        long l => AttributeValue.FromIntegers(DataType.Int64, l),
        AttributeValue a => a,
        _ => throw new ArgumentException($"unsupported attribute value {v}"),
    };

    public static VariableSchema Var(string name, DataType type, string[] dims, long[] shape, AttributeSet? attrs = null, bool coordinate = false) =>
        new(name, type, [.. dims], [.. shape], attrs ?? AttributeSet.Empty, coordinate);

    public static DatasetSchema Schema(Dictionary<string, long> dims, params VariableSchema[] vars) =>
        Schema(dims, AttributeSet.Empty, vars);

    public static DatasetSchema Schema(Dictionary<string, long> dims, AttributeSet globals, params VariableSchema[] vars) =>
        new([.. dims.Select(kv => new Dimension(kv.Key, kv.Value, kv.Key == "time"))], [.. vars], globals);

    /// <summary>A gridded file: time(time) with units, lat, lon, and a float32 data variable per name.</summary>
    public static DatasetSchema Gridded(long nTime, string timeUnits, int nLat = 3, int nLon = 4, DataType timeType = DataType.Float64, AttributeSet? globals = null, params string[] dataVars)
    {
        var dims = new Dictionary<string, long> { ["time"] = nTime, ["lat"] = nLat, ["lon"] = nLon };
        var vars = new List<VariableSchema>
        {
            Var("time", timeType, ["time"], [nTime], Attrs(("units", timeUnits), ("calendar", "standard"))),
            Var("lat", DataType.Float32, ["lat"], [nLat], Attrs(("units", "degrees_north"))),
            Var("lon", DataType.Float32, ["lon"], [nLon], Attrs(("units", "degrees_east"))),
        };
        foreach (var name in dataVars.DefaultIfEmpty("tas"))
            vars.Add(Var(name, DataType.Float32, ["time", "lat", "lon"], [nTime, nLat, nLon], Attrs(("units", "K"))));
        return Schema(dims, globals ?? AttributeSet.Empty, [.. vars]);
    }

    public static InputDataset Input(int concat, string source, DatasetSchema schema, double[]? time, int merge = 0, ImmutableDictionary<string, string>? digests = null) =>
        new(concat, merge, source, TransformedDataset.FromSource(schema), time,
            digests ?? ImmutableDictionary<string, string>.Empty.Add("lat", "LAT").Add("lon", "LON"));

    public static double[] Range(double start, int count, double step = 1) => [.. Enumerable.Range(0, count).Select(i => start + i * step)];
}
