using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Forge.Cli.Inspection;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Cf;
using Forge.Core.Zarr;

namespace Forge.Cli.Plotting;

/// <summary>
/// One array of a Zarr store read as xarray's <c>decode_cf</c> would for a plot: fill values and
/// <c>missing_value</c> masked to NaN, then <c>scale_factor</c>/<c>add_offset</c> applied. Fill values are the
/// <c>_FillValue</c> attribute (v3: base64 of a float64 for floats) and, in Zarr v2 only, the array's
/// <c>fill_value</c> (xarray masks v2 fill values, not v3 ones).
/// </summary>
internal sealed class StoreVariable
{
    private readonly ZarrGroupReader _group;
    private readonly double[] _masked;
    private readonly double _scale, _offset;

    private StoreVariable(ZarrGroupReader group, string name, ZarrArrayMetadata meta)
    {
        _group = group;
        Name = name;
        Metadata = meta;
        Dimensions = [.. Enumerable.Range(0, meta.Rank).Select(d => meta.DimensionNames is { } n && n[d] is { } s ? s : $"dim_{d}")];
        _masked = MaskValues(meta, group.Format);
        _scale = Number(meta.Attributes["scale_factor"]) ?? 1;
        _offset = Number(meta.Attributes["add_offset"]) ?? 0;
    }

    public string Name { get; }

    public ZarrArrayMetadata Metadata { get; }

    public string[] Dimensions { get; }

    public string? Units => Text(Metadata.Attributes["units"]);

    public string? LongName => Text(Metadata.Attributes["long_name"]) ?? Text(Metadata.Attributes["standard_name"]);

    public static StoreVariable Open(ZarrGroupReader group, string name) =>
        group.Arrays.TryGetValue(name, out var meta) ? new StoreVariable(group, name, meta)
            : throw new UsageException($"--plot: no variable '{name}' in the store{DidYouMean.Hint(name, [.. group.Arrays.Keys])}");

    /// <summary>Reads the box start..+count, decoded to doubles (NaN where missing).</summary>
    public async Task<double[]> ReadAsync(long[] start, long[] count, CancellationToken ct)
    {
        var n = count.Aggregate(1L, (a, b) => a * b);
        if (n > MaxValues)
            throw new UsageException($"--plot: {Name} [{string.Join(", ", count)}] is {n} values; a quick-look plot reads at most {MaxValues}");
        var type = Metadata.DataType;
        if (type is DataType.String or DataType.Char)
            throw new UsageException($"--plot: {Name} holds {type.ToString().ToLowerInvariant()}, not numbers");
        var raw = new byte[n * type.ElementSize()];
        await _group.OpenArray(Name).ReadRegionAsync(start, count, raw, ct);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var v = ElementValues.ToDouble(type, raw, i);
            values[i] = IsMasked(v) ? double.NaN : v * _scale + _offset;
        }

        return values;
    }

    /// <summary>Largest slice read for one plot (64 Mi values, 512 MiB as doubles).</summary>
    public const long MaxValues = 64L << 20;

    private bool IsMasked(double raw)
    {
        if (double.IsNaN(raw)) return true;
        var single = Metadata.DataType == DataType.Float32;
        foreach (var m in _masked)
        {
            // A float32 fill value may have been written as the double nearest its decimal spelling.
            if (raw == m || (single && (float)raw == (float)m)) return true;
        }

        return false;
    }

    /// <summary>The dimension's coordinate array (1-D, same name and length) as a plot axis; the index without one.</summary>
    public async Task<PlotAxis> AxisAsync(int dimension, CancellationToken ct)
    {
        var name = Dimensions[dimension];
        var length = Metadata.Shape[dimension];
        if (name == Name || !_group.Arrays.TryGetValue(name, out var meta) || meta.Rank != 1 || meta.Shape[0] != length
            || meta.DataType is DataType.String or DataType.Char || length > MaxValues)
            return PlotAxis.Index(name, length);
        var coordinate = new StoreVariable(_group, name, meta);
        var values = await coordinate.ReadAsync([0], [length], ct);
        var units = coordinate.Units;
        CfTimeUnits? time = null;
        if (CfTimeUnits.IsTimeUnits(units))
        {
            try { time = CfTimeUnits.Parse(units!, Text(meta.Attributes["calendar"]), name); }
            catch (Exception e) when (e is FormatException or Core.Datasets.DataException or ArgumentException) { }
        }

        return new PlotAxis(name, units, values, time);
    }

    /// <summary>Whether the dimension has a coordinate array with CF time units ("days since …").</summary>
    public bool HasTimeCoordinate(int dimension) =>
        _group.Arrays.TryGetValue(Dimensions[dimension], out var meta) && meta.Rank == 1 && CfTimeUnits.IsTimeUnits(Text(meta.Attributes["units"]));

    private static double[] MaskValues(ZarrArrayMetadata meta, ZarrFormat format)
    {
        var list = new List<double>();
        if (format == ZarrFormat.V2 && meta.FillValue.Kind != ZarrFillValueKind.Undefined) list.Add(meta.FillValue.AsDouble());
        AddAttribute(meta.Attributes["_FillValue"], list);
        AddAttribute(meta.Attributes["missing_value"], list);
        return [.. list.Where(v => !double.IsNaN(v)).Distinct()];
    }

    private static void AddAttribute(JsonNode? node, List<double> list)
    {
        switch (node)
        {
            case JsonArray a:
                foreach (var item in a) AddAttribute(item, list);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                if (s is "NaN" or "Infinity" or "-Infinity") return;
                // Zarr v3 (xarray's FillValueCoder): a float fill value is base64 of its little-endian float64.
                try
                {
                    var bytes = Convert.FromBase64String(s);
                    if (bytes.Length == 8) list.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes));
                }
                catch (FormatException)
                {
                }

                break;
            case JsonValue v when Number(v) is { } d:
                list.Add(d);
                break;
        }
    }

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d
        : node is JsonArray { Count: 1 } a && a[0] is JsonValue first && first.TryGetValue<double>(out var f) ? f : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
