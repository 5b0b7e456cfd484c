using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Kernels;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Cf;
using Forge.Core.Datasets.Combine;
using Forge.Core.Planning;
using Forge.Core.Telemetry;

namespace Forge.Core.Execution;

/// <summary>
/// Executes one work unit: reads the inputs that overlap its block, converts elements (unpacking, time
/// re-encoding), scatters them into the block, then cuts the block into full-size objects and writes them.
/// Memory: one block, one input slab and one object at a time, all pooled.
/// </summary>
internal sealed class UnitExecutor(PreparedRun run, IDatasetOpener opener, ITargetWriter writer, IProgressSink progress)
{
    public long BytesWritten;
    public long ObjectsWritten;

    public async ValueTask ExecuteAsync(WorkUnit unit, CancellationToken ct)
    {
        var array = run.Plan.GetArray(unit.Array);
        var v = array.Variable;
        int elem = array.ElementSize;
        using var block = PooledBuffer.Rent(unit.ElementCount * elem);
        await FillBlockAsync(array, unit, block.Memory, ct);

        int rank = v.Shape.Length;
        var objShape = array.ObjectShape.ToArray();
        long objBytes = array.ObjectBytes;
        using var obj = PooledBuffer.Rent(objBytes);
        var index = new long[rank];
        var local = new long[rank];
        long total = unit.ObjectCounts.Aggregate(1L, (a, b) => a * b);
        for (long n = 0; n < total; n++)
        {
            var objStart = new long[rank];
            var count = new long[rank];
            var srcStart = new long[rank];
            bool edge = false;
            for (int i = 0; i < rank; i++)
            {
                index[i] = unit.FirstObject[i] + local[i];
                objStart[i] = index[i] * objShape[i];
                count[i] = Math.Min(objShape[i], v.Shape[i] - objStart[i]);
                srcStart[i] = objStart[i] - unit.Start[i];
                edge |= count[i] != objShape[i];
            }

            // Edge objects are stored at full size (Zarr); the overhang is zero-filled.
            if (edge) obj.Memory.Span.Clear();
            BlockCopy.Copy(block.Memory.Span, [.. unit.Count], srcStart, obj.Memory.Span, objShape, new long[rank], count, elem);
            var (key, stored) = await writer.WriteObjectAsync(array, index.ToArray(), obj.Memory, ct);
            Interlocked.Add(ref BytesWritten, stored);
            Interlocked.Increment(ref ObjectsWritten);
            progress.ChunkWritten(v.Name, key, stored);
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++local[i] < unit.ObjectCounts[i]) break;
                local[i] = 0;
            }
        }
    }

    private async ValueTask FillBlockAsync(ArrayPlan array, WorkUnit unit, Memory<byte> block, CancellationToken ct)
    {
        var ds = run.Dataset;
        var v = array.Variable;
        if (v.IsDimensionCoordinate && v.Name == ds.ConcatDim && v.TimeUnits is not null)
        {
            // The re-encoded concat coordinate was computed in the schema pass.
            var values = ds.ConcatCoordinate.AsSpan().Slice((int)unit.Start[0], (int)unit.Count[0]);
            new ElementConversion(DataType.Float64, v.DataType, null).Apply(MemoryMarshal.AsBytes(values), block.Span);
            return;
        }

        if (!v.HasConcatDim)
        {
            var input = ds.Input(0, v.MergeIndex);
            await ReadIntoAsync(input, v, [.. unit.Start], [.. unit.Count], block, [.. unit.Count], new long[unit.Count.Length], ct);
            return;
        }

        int axis = v.ConcatAxis(ds.ConcatDim);
        long lo = unit.Start[axis], hi = lo + unit.Count[axis];
        foreach (var seg in ds.Segments)
        {
            long a = Math.Max(lo, seg.Start), b = Math.Min(hi, seg.Start + seg.Length);
            if (a >= b) continue;
            var input = ds.Input(seg.ConcatIndex, v.MergeIndex);
            var start = unit.Start.ToArray();
            var count = unit.Count.ToArray();
            start[axis] = a - seg.Start;
            count[axis] = b - a;
            var dstStart = new long[count.Length];
            dstStart[axis] = a - lo;
            await ReadIntoAsync(input, v, start, count, block, [.. unit.Count], dstStart, ct);
        }
    }

    private async ValueTask ReadIntoAsync(InputDataset input, TargetVariable v, long[] start, long[] count, Memory<byte> block, long[] blockShape, long[] dstStart, CancellationToken ct)
    {
        var file = run.Files[(input.ConcatIndex, input.MergeIndex)];
        var origin = input.Dataset.Origins[v.Name];
        var conversion = ConversionFor(input, v, origin.SourceDataType, origin.Unpacking);
        using var raw = await InputReading.ReadAsync(opener, run.Request, input, file.LocalPath, v.Name, start, count, ct);
        int elem = v.DataType.ElementSize();
        if (conversion.IsCopy)
        {
            BlockCopy.Copy(raw.Memory.Span, count, new long[count.Length], block.Span, blockShape, dstStart, count, elem);
            return;
        }

        using var converted = PooledBuffer.Rent(count.Aggregate(1L, (x, y) => x * y) * elem);
        conversion.Apply(raw.Memory.Span, converted.Memory.Span);
        BlockCopy.Copy(converted.Memory.Span, count, new long[count.Length], block.Span, blockShape, dstStart, count, elem);
    }

    private ElementConversion ConversionFor(InputDataset input, TargetVariable v, DataType sourceType, Datasets.Transforms.CfUnpacking? unpacking)
    {
        if (v.TimeUnits is not { } target) return new ElementConversion(sourceType, v.DataType, unpacking);
        var units = SourceTimeUnits(input, v.Name);
        double scale = (double)CfTimeUnits.MicrosPer(units.Unit) / CfTimeUnits.MicrosPer(target.Unit);
        double offset = (units.ReferenceMicros - target.ReferenceMicros) / (double)CfTimeUnits.MicrosPer(target.Unit);
        return new ElementConversion(sourceType, v.DataType, null, scale, offset);
    }

    /// <summary>The input's own time units for a variable: its units attribute, or (CF bounds) its parent's.</summary>
    private static CfTimeUnits SourceTimeUnits(InputDataset input, string name)
    {
        var schema = input.Dataset.Schema;
        var v = schema.GetVariable(name);
        var holder = v.Attributes.GetText("units") is not null ? v
            : schema.Variables.FirstOrDefault(p => p.Attributes.GetText("bounds") == name)
              ?? throw new DataException($"{input.Source}: variable '{name}' has no time units");
        return CfTimeUnits.Parse(holder.Attributes.GetText("units")!, holder.Attributes.GetText("calendar"), input.Source);
    }
}
