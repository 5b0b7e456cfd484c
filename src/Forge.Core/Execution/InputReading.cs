using System.Buffers;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Execution;

/// <summary>Reads a region of a (transformed) variable from one input, in the source element type.</summary>
internal static class InputReading
{
    /// <summary>Opens the input, reads <paramref name="count"/> elements at <paramref name="start"/> into a pooled buffer (small reads of the schema pass).</summary>
    public static async ValueTask<IMemoryOwner<byte>> ReadAsync(IDatasetOpener opener, RunRequest request, InputDataset input, string localPath, string variable, long[] start, long[] count, CancellationToken ct)
    {
        var origin = input.Dataset.Origins[variable];
        long bytes = count.Aggregate(1L, (x, y) => x * y) * origin.SourceDataType.ElementSize();
        var owner = PooledBuffer.Rent(bytes);
        try
        {
            IDatasetReader reader;
            try
            {
                reader = await opener.OpenAsync(localPath, request.Format, request.FormatOptions, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not DataException)
            {
                throw new DataException($"{input.Source}: {ex.Message}", ex);
            }

            await using (reader)
            {
                await ReadAsync(reader, input, variable, start, count, owner.Memory, ct);
            }

            return owner;
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads <paramref name="count"/> elements at <paramref name="start"/> (target dims of the transformed variable,
    /// relative to this input) from an open reader into <paramref name="destination"/>, in the source element type.
    /// </summary>
    public static async ValueTask ReadAsync(IDatasetReader reader, InputDataset input, string variable, long[] start, long[] count, Memory<byte> destination, CancellationToken ct)
    {
        var origin = input.Dataset.Origins[variable];
        int srcRank = origin.SourceDimensions.Length;
        var srcStart = new long[srcRank];
        var srcCount = new long[srcRank];
        int t = 0;
        for (int a = 0; a < srcRank; a++)
        {
            if (origin.SqueezedAxes.Contains(a)) { srcStart[a] = 0; srcCount[a] = 1; continue; }
            while (origin.ExpandedAxes.Contains(t)) t++; // added axes have length 1 and no source axis
            srcStart[a] = start[t];
            srcCount[a] = count[t];
            t++;
        }

        // Added axes (the concat dimension a variable without it gets, always in front) repeat the source values:
        // read one step, then copy it to the others (xarray broadcasts such a variable along the input's steps).
        long repeats = 1;
        for (int e = 0; e < origin.ExpandedAxes.Length; e++)
        {
            if (origin.ExpandedAxes[e] != e) throw new InvalidOperationException($"variable '{variable}': added axes must lead, found [{string.Join(", ", origin.ExpandedAxes)}]");
            repeats *= count[e];
        }

        if (repeats == 0) return;
        try
        {
            long block = origin.SourceDataType.ElementSize();
            for (int a = origin.ExpandedAxes.Length; a < count.Length; a++) block *= count[a];
            await reader.ReadAsync(origin.SourceVariable, srcStart, srcCount, repeats == 1 ? destination : destination[..(int)block], ct);
            for (long r = 1; r < repeats; r++)
                destination.Span[..(int)block].CopyTo(destination.Span.Slice((int)(r * block), (int)block));
        }
        catch (DataException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new DataException($"{input.Source}: variable '{origin.SourceVariable}': {ex.Message}", ex);
        }
    }
}
