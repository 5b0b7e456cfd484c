using System.Collections.Concurrent;
using Forge.Core.Execution.Memory;
using Forge.Core.Kernels;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// The intermediate store of the spill strategy (rechunker's push/pull with an intermediate array): on local
/// scratch, one file per target object holding its pieces (runs of concat steps, C order, uncompressed) in the
/// order they completed. Objects are assembled from their pieces once every input has been read; each file is
/// deleted as soon as its object is assembled, and the folder when the store is disposed.
/// </summary>
internal sealed class SpillStore : IDisposable
{
    private readonly string _folder;
    private readonly ConcurrentDictionary<string, List<Piece>> _pieces = new(StringComparer.Ordinal);
    private readonly PipelineCounters _counters;

    public SpillStore(string scratchRoot, PipelineCounters counters)
    {
        // Named for this process, so a killed run's pieces are removed by the next run (ProcessFolders).
        _folder = ProcessFolders.Create(scratchRoot, "spill");
        _counters = counters;
    }

    public string Folder => _folder;

    /// <summary>Appends a complete piece to its object's file (the caller keeps ownership of the piece).</summary>
    public async ValueTask AppendAsync(ObjectAccumulator piece, CancellationToken ct)
    {
        var list = _pieces.GetOrAdd(piece.Id, _ => []);
        long offset = list.Count == 0 ? 0 : list[^1].Offset + list[^1].Length;
        using (var handle = File.OpenHandle(PathOf(piece.Id), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, FileOptions.Asynchronous))
        {
            await RandomAccess.WriteAsync(handle, piece.Buffer.Memory, offset, ct).ConfigureAwait(false);
        }

        list.Add(new Piece(piece.ConcatStart, piece.Shape, offset, piece.Buffer.Length));
        _counters.Spilled(piece.Buffer.Length);
    }

    /// <summary>Reads an object's pieces into its (full-size, zeroed where padded) buffer, then deletes its file.</summary>
    public async ValueTask AssembleAsync(ObjectAccumulator target, int concatAxis, MemoryAccount scratch, CancellationToken ct)
    {
        if (!_pieces.TryRemove(target.Id, out var pieces)) throw new InvalidOperationException($"no spilled pieces for object {target.Id}");
        var path = PathOf(target.Id);
        int elem = target.Array.ElementSize;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.None, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            foreach (var p in pieces)
            {
                long offsetInObject = p.ConcatStart - target.ConcatStart;
                long elements = p.Shape.Aggregate(1L, (x, y) => x * y);
                if (concatAxis == 0)
                {
                    // A piece is a contiguous run of the object's C-order buffer: read it in place.
                    long at = offsetInObject * (elements / p.Shape[0]) * elem;
                    await ReadExactlyAsync(handle, target.Buffer.Memory.Slice((int)at, (int)p.Length), p.Offset, ct).ConfigureAwait(false);
                }
                else
                {
                    using var temp = await scratch.RentAsync(p.Length, $"a spilled piece of {target.Id}", ct).ConfigureAwait(false);
                    await ReadExactlyAsync(handle, temp.Memory, p.Offset, ct).ConfigureAwait(false);
                    var dst = new long[p.Shape.Length];
                    dst[concatAxis] = offsetInObject;
                    BlockCopy.Copy(temp.Span, p.Shape, new long[p.Shape.Length], target.Buffer.Span, target.Shape, dst, p.Shape, elem);
                }
            }
        }

        File.Delete(path);
    }

    private static async ValueTask ReadExactlyAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Memory<byte> destination, long offset, CancellationToken ct)
    {
        while (destination.Length > 0)
        {
            int n = await RandomAccess.ReadAsync(handle, destination, offset, ct).ConfigureAwait(false);
            if (n == 0) throw new IOException("the spill file ended early");
            destination = destination[n..];
            offset += n;
        }
    }

    private string PathOf(string id) => Path.Combine(_folder, id.Replace('/', '_'));

    public void Dispose()
    {
        ProcessFolders.Delete(_folder);
    }

    private sealed record Piece(long ConcatStart, long[] Shape, long Offset, long Length);
}
