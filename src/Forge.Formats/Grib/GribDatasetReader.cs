using System.Runtime.InteropServices;
using Forge.Core.Datasets;

namespace Forge.Formats.Grib;

/// <summary>
/// A GRIB1/GRIB2 file read through ecCodes as cfgrib would present it: one float32 variable per parameter over
/// (number, time, step, &lt;level type&gt;, latitude, longitude | y, x | values), with in-memory coordinates.
/// </summary>
public sealed class GribDatasetReader : IDatasetReader
{
    private readonly IReadOnlyDictionary<string, GribVariable> _variables;
    private readonly IReadOnlyDictionary<string, GribCoordinate> _coordinates;
    private readonly GribFieldDecoder _decoder;

    private GribDatasetReader(string path, DatasetSchema schema, IReadOnlyDictionary<string, GribVariable> variables, IReadOnlyDictionary<string, GribCoordinate> coordinates)
    {
        Source = path;
        Schema = schema;
        _variables = variables;
        _coordinates = coordinates;
        _decoder = new GribFieldDecoder(path);
    }

    public string Source { get; }

    public DatasetSchema Schema { get; }

    /// <summary>Scans the message headers of a local GRIB file (no data is decoded) and builds the dataset schema.</summary>
    /// <exception cref="DataException">Unreadable, truncated or corrupt file, nothing matching the filter, or messages that do not form cfgrib variables.</exception>
    public static async ValueTask<GribDatasetReader> OpenAsync(string path, GribFilter? filter, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new DataException($"{path}: GRIB file not found");
        return await Task.Run(() =>
        {
            var scan = GribScanner.Scan(path, filter is { IsEmpty: true } ? null : filter, ct);
            if (scan.MessagesInFile == 0) throw new DataException($"{path}: no GRIB message found");
            if (scan.Fields.Length == 0) throw new DataException($"{path}: none of its {scan.MessagesInFile} GRIB messages matches inputs.grib.filter {filter}");
            var built = GribDatasetBuilder.Build(path, scan);
            return new GribDatasetReader(path, built.Schema, built.Variables, built.Coordinates);
        }, ct).ConfigureAwait(false);
    }

    public async ValueTask ReadAsync(string variable, ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default)
    {
        if (_coordinates.TryGetValue(variable, out var coordinate))
        {
            var size = coordinate.DataType switch { Core.Arrays.DataType.Int64 or Core.Arrays.DataType.Float64 => 8, _ => 4 };
            Hyperslab.Validate(Source, variable, coordinate.Shape.AsSpan(), start.Span, count.Span, size, destination.Length);
            Hyperslab.Copy(coordinate.Data, coordinate.Shape.AsSpan(), size, start.Span, count.Span, destination.Span);
            return;
        }

        if (!_variables.TryGetValue(variable, out var v)) throw new KeyNotFoundException($"{Source}: no variable '{variable}' in GRIB dataset");
        long[] shape = [.. v.HeaderShape, .. v.GeoShape];
        Hyperslab.Validate(Source, variable, shape, start.Span, count.Span, sizeof(float), destination.Length);

        var headerRank = v.HeaderShape.Length;
        var geoStart = start[headerRank..].ToArray();
        var geoCount = count[headerRank..].ToArray();
        var sliceBytes = geoCount.Aggregate(1L, (a, b) => a * b) * sizeof(float);
        var cells = count[..headerRank].ToArray().Aggregate(1L, (a, b) => a * b);
        if (sliceBytes == 0 || cells == 0) return;

        var hstart = start[..headerRank].ToArray();
        var hcount = count[..headerRank].ToArray();
        var index = new long[headerRank];
        for (long cell = 0; cell < cells; cell++)
        {
            ct.ThrowIfCancellationRequested();
            long flat = 0;
            for (var d = 0; d < headerRank; d++) flat = (flat * v.HeaderShape[d]) + hstart[d] + index[d];
            var slice = destination.Slice(checked((int)(cell * sliceBytes)), (int)sliceBytes);
            if (v.Fields.TryGetValue(flat, out var field))
            {
                var values = await _decoder.DecodeAsync(v, field, ct).ConfigureAwait(false);
                Hyperslab.Copy(MemoryMarshal.AsBytes(values.AsSpan()), v.GeoShape.AsSpan(), sizeof(float), geoStart, geoCount, slice.Span);
            }
            else
            {
                // A hole in the hypercube (no message for this number/time/step/level): NaN, as cfgrib.
                MemoryMarshal.Cast<byte, float>(slice.Span).Fill(float.NaN);
            }

            for (var d = headerRank - 1; d >= 0; d--)
            {
                if (++index[d] < hcount[d]) break;
                index[d] = 0;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _decoder.Dispose();
        return ValueTask.CompletedTask;
    }
}
