using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Sources;
using Forge.Native.Hdf5;
using Forge.Native.NetCdf;
using N = Forge.Native.Hdf5.Hdf5ModelNative;

namespace Forge.Formats.Remote;

/// <summary>
/// A NetCDF-4 file read by range requests: libhdf5 opens it through <see cref="RangeFileDriver"/> (so HDF5 parses
/// the metadata and asks only for the bytes it needs), <see cref="NetCdf4Header"/> builds the netCDF-4 schema, and
/// reads go through <c>H5Dread</c> (HDF5 decompresses the chunks a read touches). Every call holds
/// <see cref="NetCdfLock"/> and runs off the caller's thread (the driver waits for the network inside it).
/// </summary>
internal sealed class Hdf5RangeReader : IDatasetReader
{
    private readonly IRandomAccessInput _input;
    private readonly long _file;
    private readonly long _key;
    private readonly Dictionary<string, string> _datasets;
    private int _disposed;

    private Hdf5RangeReader(IRandomAccessInput input, long file, long key, DatasetSchema schema, ImmutableArray<NetCdf4Header.Entry> variables)
    {
        _input = input;
        _file = file;
        _key = key;
        Schema = schema;
        _datasets = variables.ToDictionary(v => v.Schema.Name, v => v.Dataset, StringComparer.Ordinal);
    }

    public string Source => _input.Url;

    public DatasetSchema Schema { get; }

    /// <summary>Opens the header; null (with the reason) when the file is outside what this reader supports.</summary>
    public static async Task<(Hdf5RangeReader? Reader, string? Unsupported)> OpenAsync(IRandomAccessInput input, CancellationToken ct) => await Task.Run<(Hdf5RangeReader?, string?)>(() =>
    {
        using (NetCdfLock.Enter())
        {
            var source = new DriverSource(input, ct);
            var file = RangeFileDriver.Open(source, input.Url, out var key);
            try
            {
                var (schema, variables) = NetCdf4Header.Read(file, input.Url);
                return (new Hdf5RangeReader(input, file, key, schema, variables), null);
            }
            catch (NetCdf4Header.UnsupportedException e)
            {
                Close(file, key);
                return (null, e.Message);
            }
            catch (Exception) when (RangeFileDriver.TakeFailure(key) is { } failure)
            {
                Close(file, key);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                throw;
            }
            catch
            {
                Close(file, key);
                throw;
            }
        }
    }, ct).ConfigureAwait(false);

    public async ValueTask ReadAsync(string variable, ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default)
    {
        var v = Schema.FindVariable(variable) ?? throw new ArgumentException($"{Source}: no variable '{variable}'", nameof(variable));
        if (v.DataType == DataType.String) throw new DataException($"{Source}: variable '{variable}': string variables are not supported");
        var rank = v.Rank;
        if (start.Length != rank || count.Length != rank) throw new ArgumentException($"{Source}: variable '{variable}' has rank {rank}, the request has {start.Length}/{count.Length} dimensions");
        var s = start.ToArray();
        var c = count.ToArray();
        long elements = 1;
        for (var d = 0; d < rank; d++)
        {
            if (s[d] < 0 || c[d] < 0 || s[d] + c[d] > v.Shape[d])
                throw new ArgumentException($"{Source}: variable '{variable}': region [{string.Join(", ", s)}] + [{string.Join(", ", c)}] is outside its shape ({string.Join(", ", v.Shape)})");
            elements *= c[d];
        }

        if (destination.Length != elements * v.DataType.ElementSize()) throw new ArgumentException($"{Source}: destination holds {destination.Length} bytes, the region needs {elements * v.DataType.ElementSize()}", nameof(destination));
        if (elements == 0) return;
        var dataset = _datasets[variable];
        await Task.Run(() =>
        {
            using (NetCdfLock.Enter())
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                try
                {
                    Read(dataset, variable, s, c, destination.Span);
                }
                catch (Exception) when (RangeFileDriver.TakeFailure(_key) is { } failure)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                throw;
                }
            }
        }, ct).ConfigureAwait(false);
    }

    private unsafe void Read(string dataset, string variable, long[] start, long[] count, Span<byte> destination)
    {
        var ds = Hdf5Status.CheckId(Hdf5Native.H5Dopen2(_file, dataset, Hdf5Native.H5P_DEFAULT), "H5Dopen2", Source, variable);
        long type = -1, memType = -1, fileSpace = -1, memSpace = -1;
        try
        {
            type = Hdf5Status.CheckId(Hdf5Native.H5Dget_type(ds), "H5Dget_type", Source, variable);
            memType = Hdf5Status.CheckId(Hdf5Native.H5Tget_class(type) == Hdf5Native.H5T_STRING ? N.H5Tcopy(type) : N.H5Tget_native_type(type, N.H5T_DIR_DEFAULT), "H5Tget_native_type", Source, variable);
            fileSpace = Hdf5Status.CheckId(Hdf5Native.H5Dget_space(ds), "H5Dget_space", Source, variable);
            var rank = start.Length;
            if (rank == 0)
            {
                memSpace = Hdf5Status.CheckId(N.H5Screate(N.H5S_SCALAR), "H5Screate", Source, variable);
            }
            else
            {
                var extent = new ulong[rank];
                fixed (ulong* e = extent) Hdf5Status.Check(Hdf5Native.H5Sget_simple_extent_dims(fileSpace, e, null), "H5Sget_simple_extent_dims", Source, variable);
                for (var d = 0; d < rank; d++)
                {
                    // Past a variable's own extent netCDF-C returns fill values (an unlimited dimension longer than it).
                    if ((ulong)(start[d] + count[d]) > extent[d])
                        throw new DataException($"{Source}: variable '{variable}' is shorter than its unlimited dimension; reading past its end by range is not supported (download the file)");
                }

                var s = start.Select(x => (ulong)x).ToArray();
                var c = count.Select(x => (ulong)x).ToArray();
                fixed (ulong* sp = s)
                fixed (ulong* cp = c)
                {
                    Hdf5Status.Check(N.H5Sselect_hyperslab(fileSpace, N.H5S_SELECT_SET, sp, null, cp, null), "H5Sselect_hyperslab", Source, variable);
                    memSpace = Hdf5Status.CheckId(N.H5Screate_simple(rank, cp, null), "H5Screate_simple", Source, variable);
                }
            }

            fixed (byte* p = destination) Hdf5Status.Check(N.H5Dread(ds, memType, memSpace, fileSpace, Hdf5Native.H5P_DEFAULT, p), "H5Dread", Source, variable);
        }
        finally
        {
            if (memSpace >= 0) Hdf5Native.H5Sclose(memSpace);
            if (fileSpace >= 0) Hdf5Native.H5Sclose(fileSpace);
            if (memType >= 0) Hdf5Native.H5Tclose(memType);
            if (type >= 0) Hdf5Native.H5Tclose(type);
            Hdf5Native.H5Dclose(ds);
        }
    }

    private static void Close(long file, long key)
    {
        Hdf5Native.H5Fclose(file);
        RangeFileDriver.Forget(key);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            using (NetCdfLock.Enter()) Close(_file, _key);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The range-read input as the driver's synchronous source.</summary>
    private sealed class DriverSource(IRandomAccessInput input, CancellationToken ct) : IRangeSource
    {
        public long Length => input.Length;

        public void Read(long offset, Span<byte> destination)
        {
            var buffer = new byte[destination.Length];
            input.ReadAsync(offset, buffer, ct).AsTask().GetAwaiter().GetResult();
            buffer.CopyTo(destination);
        }
    }
}
