using System.Collections.Concurrent;
using Forge.Core.Datasets;
using Forge.Formats.NetCdf;

namespace Forge.Formats;

/// <summary>
/// Opens each NetCDF-4/HDF5 file once with the child-process header check (a corrupt header that would crash HDF5
/// crashes <c>ncdump</c> instead and becomes a <see cref="DataException"/> naming the file), and every later open
/// of the same unchanged file in-process. A run opens each input many times (schema pass, then one read per work
/// unit), so the check costs one child process per input, not per read.
/// </summary>
public sealed class HeaderCheckedOpener : IDatasetOpener
{
    private readonly DatasetOpener _checking;
    private readonly DatasetOpener _trusted;
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), bool> _checked = new();

    /// <param name="rangeFallback">Told why a remote file read by range is downloaded after all (URL, reason).</param>
    public HeaderCheckedOpener(Func<string, IReadOnlyDictionary<string, object?>?, CancellationToken, ValueTask<IDatasetReader>>? gribOpener, NetCdfReadOptions? defaults = null, Action<string, string>? rangeFallback = null)
    {
        var options = defaults ?? NetCdfReadOptions.Default;
        _checking = new DatasetOpener { GribOpener = gribOpener, NetCdfOptions = options with { HeaderCheck = HeaderCheck.ChildProcess } };
        _trusted = new DatasetOpener { GribOpener = gribOpener, NetCdfOptions = options with { HeaderCheck = HeaderCheck.InProcess }, RangeFallback = rangeFallback };
    }

    public async ValueTask<IDatasetReader> OpenAsync(string path, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default)
    {
        var info = new FileInfo(path);
        var key = (info.FullName, info.Exists ? info.Length : -1, info.Exists ? info.LastWriteTimeUtc : default);
        if (_checked.ContainsKey(key)) return await _trusted.OpenAsync(path, format, options, ct);
        var reader = await _checking.OpenAsync(path, format, options, ct);
        _checked.TryAdd(key, true);
        return reader;
    }

    /// <summary>
    /// Header reads by range, in-process: classic netCDF is parsed in managed code; a NetCDF-4 header is parsed by
    /// HDF5 in this process (the child-process check needs a local file; <c>header_check: child_process</c> in the
    /// recipe makes such inputs download instead). See docs/readers.md "Header reads by range".
    /// </summary>
    public ValueTask<IDatasetReader?> OpenHeaderAsync(Forge.Core.Sources.IRandomAccessInput input, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default) =>
        _trusted.OpenHeaderAsync(input, format, options, ct);
}
