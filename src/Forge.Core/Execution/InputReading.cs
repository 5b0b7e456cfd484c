using System.Buffers;
using Forge.Core.Arrays;
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
            if (origin.SqueezedAxes.Contains(a)) { srcStart[a] = 0; srcCount[a] = 1; }
            else { srcStart[a] = start[t]; srcCount[a] = count[t]; t++; }
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

/// <summary>An exact-length pooled byte buffer (ArrayPool) whose owner returns it on dispose.</summary>
public sealed class PooledBuffer : IMemoryOwner<byte>
{
    private byte[]? _array;
    private readonly int _length;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    public static PooledBuffer Rent(long length)
    {
        if (length > Array.MaxLength) throw new InvalidOperationException($"a buffer of {length} bytes is larger than .NET arrays allow");
        return new PooledBuffer(ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length)), (int)length);
    }

    public Memory<byte> Memory => _array is null ? throw new ObjectDisposedException(nameof(PooledBuffer)) : _array.AsMemory(0, _length);

    public void Dispose()
    {
        var a = Interlocked.Exchange(ref _array, null);
        if (a is not null) ArrayPool<byte>.Shared.Return(a);
    }
}
