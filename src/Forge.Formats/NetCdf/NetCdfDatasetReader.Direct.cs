using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Kernels;
using Forge.Formats.Hdf5;
using Forge.Formats.Kernels;
using Forge.Native.Hdf5;
using Forge.Native.NetCdf;

namespace Forge.Formats.NetCdf;

/// <summary>The HDF5 direct-chunk read path: raw chunks under the lock, decode on all cores.</summary>
public sealed partial class NetCdfDatasetReader
{
    /// <summary>
    /// Stored and inflated chunk buffers: a bounded pool of its own (no per-thread caches, at most two per core and
    /// size kept), so the memory it holds stays within what the engine reserves per decode worker (docs/engine.md).
    /// </summary>
    private static readonly ArrayPool<byte> ChunkBuffers = ArrayPool<byte>.Create(Array.MaxLength, 2 * Environment.ProcessorCount);

    private readonly ConcurrentDictionary<string, Hdf5ChunkedDataset?> _directDatasets = new(StringComparer.Ordinal);
    private Hdf5Handle? _hdf5File;
    private bool _hdf5Unavailable;

    /// <summary>How many reads went through the direct-chunk path (for tests and diagnostics).</summary>
    public long DirectChunkReads => Interlocked.Read(ref _directReads);

    private long _directReads;

    /// <summary>The direct-path dataset for <paramref name="v"/>, or null when netCDF-C must read it.</summary>
    private Hdf5ChunkedDataset? DirectDataset(NetCdfVariable v)
    {
        if (!Options.DirectChunks || Format.IsClassicFamily() || !v.Schema.Layout.IsChunked) return null;
        if (v.Schema.Layout.Filters.Any(f => !(f == "shuffle" || f == "fletcher32" || f.StartsWith("deflate", StringComparison.Ordinal)))) return null;
        if (_directDatasets.TryGetValue(v.Schema.Name, out var known)) return known;

        using (NetCdfLock.Enter())
        {
            if (_directDatasets.TryGetValue(v.Schema.Name, out known)) return known;
            ObjectDisposedException.ThrowIf(_file.IsClosed, this);
            Hdf5ChunkedDataset? dataset = null;
            if (!_hdf5Unavailable)
            {
                if (_hdf5File is null)
                {
                    var id = Hdf5Native.H5Fopen(Source, Hdf5Native.H5F_ACC_RDONLY, Hdf5Native.H5P_DEFAULT);
                    if (id < 0) _hdf5Unavailable = true;
                    else _hdf5File = new Hdf5Handle(id, Hdf5ObjectKind.File);
                }

                try
                {
                    if (_hdf5File is not null) dataset = Hdf5ChunkedDataset.TryOpen(_hdf5File, v.Schema, Source);
                }
                catch (NetCdfException)
                {
                    // The direct path is an optimisation: if HDF5 cannot describe the dataset, netCDF-C still reads it.
                    dataset = null;
                }
            }

            _directDatasets[v.Schema.Name] = dataset;
            return dataset;
        }
    }

    private async ValueTask ReadDirectAsync(NetCdfVariable v, Hdf5ChunkedDataset dataset, long[] start, long[] count, Memory<byte> destination, CancellationToken ct)
    {
        var rank = start.Length;
        var name = v.Schema.Name;
        for (var d = 0; d < rank; d++)
        {
            // Past the dataset's own extent (a shorter variable on an unlimited dimension) netCDF-C supplies fill values.
            if (start[d] + count[d] > dataset.Extent[d])
            {
                ReadThroughNetCdf(v, start, count, destination.Span);
                return;
            }
        }

        var origins = ChunkOrigins(dataset, start, count);
        var sizes = new ulong[origins.Count];
        using (NetCdfLock.Enter())
        {
            ObjectDisposedException.ThrowIf(_file.IsClosed, this);
            for (var i = 0; i < origins.Count; i++)
            {
                sizes[i] = dataset.QueryChunk(origins[i], Source, name).Size;
                if (sizes[i] == 0)
                {
                    // A chunk never written reads as the fill value; netCDF-C knows it, the chunk index does not.
                    ReadThroughNetCdf(v, start, count, destination.Span);
                    return;
                }
            }
        }

        Interlocked.Increment(ref _directReads);
        var elementSize = v.Schema.DataType.ElementSize();
        void DecodeOne(int i)
        {
            var storedLength = checked((int)sizes[i]);
            var capacity = ChunkDecoder.Capacity(dataset, storedLength);
            var stored = ChunkBuffers.Rent(capacity);
            var scratch = ChunkBuffers.Rent(capacity);
            try
            {
                uint mask;
                using (NetCdfLock.Enter())
                {
                    ObjectDisposedException.ThrowIf(_file.IsClosed, this);
                    mask = dataset.ReadChunk(origins[i], stored.AsSpan(0, storedLength), Source, name);
                }

                var where = new ChunkLocation(Source, name, origins[i]);
                var decoded = ChunkDecoder.Decode(dataset, stored, storedLength, scratch, mask, where);
                BlockCopy.CopyOverlap(decoded, origins[i], dataset.ChunkShape.AsSpan(), destination.Span, start, count, elementSize);
            }
            finally
            {
                ChunkBuffers.Return(stored);
                ChunkBuffers.Return(scratch);
            }
        }

        var workers = Math.Min(Options.EffectiveWorkers, origins.Count);
        if (workers <= 1)
        {
            for (var i = 0; i < origins.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                DecodeOne(i);
            }

            return;
        }

        await Parallel.ForAsync(0, origins.Count, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct }, (i, _) =>
        {
            DecodeOne(i);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Origins of every chunk overlapping the region, in C order.</summary>
    private static List<long[]> ChunkOrigins(Hdf5ChunkedDataset dataset, long[] start, long[] count)
    {
        var rank = start.Length;
        var first = new long[rank];
        var last = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            first[d] = start[d] / dataset.ChunkShape[d];
            last[d] = (start[d] + count[d] - 1) / dataset.ChunkShape[d];
        }

        var origins = new List<long[]>();
        var index = (long[])first.Clone();
        while (true)
        {
            var origin = new long[rank];
            for (var d = 0; d < rank; d++) origin[d] = index[d] * dataset.ChunkShape[d];
            origins.Add(origin);
            var dim = rank - 1;
            while (dim >= 0)
            {
                if (++index[dim] <= last[dim]) break;
                index[dim] = first[dim];
                dim--;
            }

            if (dim < 0) return origins;
        }
    }

    private void DisposeDirect()
    {
        foreach (var dataset in _directDatasets.Values) dataset?.Dispose();
        _directDatasets.Clear();
        _hdf5File?.Dispose();
    }
}
