using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Kernels;
using Forge.Core.Sources;

namespace Forge.Formats.Remote;

/// <summary>
/// A CDF-1/2/5 file read by range requests: the header parsed by <see cref="ClassicHeader"/>, variable reads as one
/// range per contiguous run of the request (a record variable: one run per record), converted to little-endian.
/// </summary>
internal sealed class ClassicRangeReader : IDatasetReader
{
    private readonly IRandomAccessInput _input;
    private readonly ClassicHeader _header;

    private ClassicRangeReader(IRandomAccessInput input, ClassicHeader header)
    {
        _input = input;
        _header = header;
    }

    public string Source => _input.Url;

    public DatasetSchema Schema => _header.Schema;

    public static async Task<ClassicRangeReader> OpenAsync(IRandomAccessInput input, CancellationToken ct)
    {
        // The parser reads synchronously through the block cache; run it off the caller's thread.
        var header = await Task.Run(() =>
        {
            using var stream = new BufferedStream(new RangeStream(input, ct), 1 << 14);
            return ClassicHeader.Read(stream, input.Url);
        }, ct).ConfigureAwait(false);
        return new ClassicRangeReader(input, header);
    }

    public async ValueTask ReadAsync(string variable, ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default)
    {
        var v = Schema.FindVariable(variable) ?? throw new ArgumentException($"{Source}: no variable '{variable}'", nameof(variable));
        if (v.DataType == DataType.String) throw new DataException($"{Source}: variable '{variable}': string variables are not supported");
        var rank = v.Rank;
        if (start.Length != rank || count.Length != rank) throw new ArgumentException($"{Source}: variable '{variable}' has rank {rank}, the request has {start.Length}/{count.Length} dimensions");
        var s = start.ToArray();
        var c = count.ToArray();
        var shape = v.Shape.ToArray();
        long elements = 1;
        for (var d = 0; d < rank; d++)
        {
            if (s[d] < 0 || c[d] < 0 || s[d] + c[d] > shape[d])
                throw new ArgumentException($"{Source}: variable '{variable}': region [{string.Join(", ", s)}] + [{string.Join(", ", c)}] is outside its shape ({string.Join(", ", shape)})");
            elements *= c[d];
        }

        int size = v.DataType.ElementSize();
        if (destination.Length != elements * size) throw new ArgumentException($"{Source}: destination holds {destination.Length} bytes, the region needs {elements * size}", nameof(destination));
        if (elements == 0) return;
        var place = _header.Placements[variable];

        // Bytes per step along each axis, within one record for a record variable (axis 0 then steps by the record size).
        var strides = new long[rank];
        long inner = size;
        for (var d = rank - 1; d >= 0; d--)
        {
            strides[d] = inner;
            if (!(place.IsRecord && d == 0)) inner *= shape[d];
        }

        if (place.IsRecord) strides[0] = _header.RecordSize;

        // The run: the innermost axes taken whole merge with the first partial axis above them; never across records.
        var runAxis = rank - 1;
        long runElements = rank == 0 ? 1 : c[rank - 1];
        while (runAxis > (place.IsRecord ? 1 : 0) && c[runAxis] == shape[runAxis])
        {
            runAxis--;
            runElements *= c[runAxis];
        }

        if (rank > 0 && place.IsRecord && runAxis == 0)
        {
            // A 1-D record variable: one element per record.
            runAxis = 1;
            runElements = 1;
        }

        long runBytes = runElements * size;
        var index = new long[Math.Max(runAxis, 0)];
        for (long written = 0; written < destination.Length; written += runBytes)
        {
            long offset = place.Begin;
            for (var d = 0; d < runAxis; d++) offset += (s[d] + index[d]) * strides[d];
            if (runAxis >= 0 && runAxis < rank) offset += s[runAxis] * strides[runAxis];
            var slice = destination.Slice((int)written, (int)runBytes);
            await _input.ReadAsync(offset, slice, ct).ConfigureAwait(false);
            EndianSwap.SwapInPlace(slice.Span, size);

            for (var d = runAxis - 1; d >= 0; d--)
            {
                if (++index[d] < c[d]) break;
                index[d] = 0;
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
