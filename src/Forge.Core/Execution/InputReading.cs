using System.Buffers;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Execution;

/// <summary>Reads a region of a (transformed) variable from one input, in the source element type.</summary>
internal static class InputReading
{
    /// <summary>Reads <paramref name="count"/> elements at <paramref name="start"/> (target dims of the transformed variable) into a pooled buffer.</summary>
    public static async ValueTask<IMemoryOwner<byte>> ReadAsync(IDatasetOpener opener, RunRequest request, InputDataset input, string localPath, string variable, long[] start, long[] count, CancellationToken ct)
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

        long bytes = count.Aggregate(1L, (x, y) => x * y) * origin.SourceDataType.ElementSize();
        var owner = PooledBuffer.Rent(bytes);
        try
        {
            await using var reader = await opener.OpenAsync(localPath, request.Format, request.FormatOptions, ct);
            await reader.ReadAsync(origin.SourceVariable, srcStart, srcCount, owner.Memory, ct);
            return owner;
        }
        catch (DataException)
        {
            owner.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            owner.Dispose();
            throw new DataException($"{input.Source}: variable '{origin.SourceVariable}': {ex.Message}", ex);
        }
    }
}
