using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Zarr;
using Forge.Formats.NetCdf;

namespace Forge.Formats;

/// <summary>
/// Opens local input files: sniffs the magic bytes for "auto" and dispatches NetCDF-3/4 and HDF5 to
/// <see cref="NetCdfDatasetReader"/>, GRIB to <see cref="GribOpener"/>.
/// </summary>
public sealed class DatasetOpener : IDatasetOpener
{
    /// <summary>Registration point for the GRIB reader (wired by the application).</summary>
    public Func<string, IReadOnlyDictionary<string, object?>?, CancellationToken, ValueTask<IDatasetReader>>? GribOpener { get; set; }

    /// <summary>Defaults for NetCDF reads; per-open <c>options</c> override them.</summary>
    public NetCdfReadOptions NetCdfOptions { get; init; } = NetCdfReadOptions.Default;

    /// <exception cref="DataException">The file is missing, of an unknown kind, of a different kind than <paramref name="format"/>, or unreadable.</exception>
    public async ValueTask<IDatasetReader> OpenAsync(string path, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default)
    {
        var reader = await OpenUncheckedAsync(path, format, options, ct).ConfigureAwait(false);
        if (NameProblem(reader.Schema) is not { } problem) return reader;
        await reader.DisposeAsync().ConfigureAwait(false);
        throw new DataException($"{path}: {problem}");
    }

    /// <summary>Told why a range-read file is downloaded after all (its URL and the reason), for a log line.</summary>
    public Action<string, string>? RangeFallback { get; init; }

    /// <summary>
    /// A remote file's header by range reads: classic netCDF (CDF-1/2/5) is parsed in managed code and its variables
    /// read by range; NetCDF-4/HDF5 is opened by libhdf5 through a range-read driver and its netCDF-4 model built from
    /// HDF5's API. Null for every other kind (GRIB, a kind the first bytes do not show), for HDF5 files outside what
    /// netCDF-C writes (told to <see cref="RangeFallback"/>), and with <c>header_check: child_process</c>: the caller
    /// downloads the file and uses <see cref="OpenAsync"/>.
    /// </summary>
    public async ValueTask<IDatasetReader?> OpenHeaderAsync(Forge.Core.Sources.IRandomAccessInput input, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var head = new byte[(int)Math.Min(input.Length, 8)];
        await input.ReadAsync(0, head, ct).ConfigureAwait(false);
        var classic = head.Length >= 4 && head[0] == 'C' && head[1] == 'D' && head[2] == 'F' && head[3] is 1 or 2 or 5;
        var hdf5 = head.AsSpan().SequenceEqual(HdfMagic);
        var requested = (format ?? "auto").ToLowerInvariant();
        if (requested is not ("auto" or "netcdf3" or "netcdf4" or "hdf5" or "grib"))
            throw new ArgumentException($"unknown input format \"{format}\" (expected auto, netcdf3, netcdf4, hdf5 or grib)", nameof(format));
        if (!classic && !hdf5) return null;
        if (requested == "grib") throw new DataException($"{input.Url}: the recipe says grib but the file is {(hdf5 ? "NetCDF-4/HDF5" : "NetCDF-3")}");
        IDatasetReader reader;
        if (classic)
        {
            reader = await Remote.ClassicRangeReader.OpenAsync(input, ct).ConfigureAwait(false);
        }
        else
        {
            if (NetCdfReadOptions.FromOptions(options, NetCdfOptions).HeaderCheck == HeaderCheck.ChildProcess)
            {
                RangeFallback?.Invoke(input.Url, "header_check: child_process checks NetCDF-4 headers in a child process, which needs the whole file");
                return null;
            }

            var (opened, unsupported) = await Remote.Hdf5RangeReader.OpenAsync(input, ct).ConfigureAwait(false);
            if (opened is null)
            {
                RangeFallback?.Invoke(input.Url, unsupported ?? "unsupported");
                return null;
            }

            reader = opened;
        }

        if (NameProblem(reader.Schema) is not { } problem) return reader;
        await reader.DisposeAsync().ConfigureAwait(false);
        throw new DataException($"{input.Url}: {problem}");
    }

    private static ReadOnlySpan<byte> HdfMagic => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    /// <summary>Names from the file become Zarr node names and store keys: a hostile one is refused here, naming the file.</summary>
    internal static string? NameProblem(DatasetSchema schema)
    {
        foreach (var dim in schema.Dimensions)
        {
            if (ZarrNodeName.Problem(dim.Name) is { } why) return $"dimension name '{ZarrNodeName.Show(dim.Name)}' {why}; it cannot name a Zarr array";
        }

        foreach (var variable in schema.Variables)
        {
            var bytes = (long)variable.DataType.ElementSize();
            foreach (var length in variable.Shape)
            {
                if (length < 0 || (length != 0 && bytes > long.MaxValue / length))
                    return $"variable '{ZarrNodeName.Show(variable.Name)}': its declared size ({string.Join(" x ", variable.Shape)}) overflows 64 bits; the header is corrupt";
                bytes *= length;
            }

            if (ZarrNodeName.Problem(variable.Name) is { } why) return $"variable name '{ZarrNodeName.Show(variable.Name)}' {why}; it cannot name a Zarr array";
            foreach (var dim in variable.Dimensions)
            {
                if (ZarrNodeName.Problem(dim) is { } dimWhy) return $"dimension name '{ZarrNodeName.Show(dim)}' of variable '{ZarrNodeName.Show(variable.Name)}' {dimWhy}; it cannot name a Zarr array";
            }
        }

        return null;
    }

    private async ValueTask<IDatasetReader> OpenUncheckedAsync(string path, string format, IReadOnlyDictionary<string, object?>? options, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ct.ThrowIfCancellationRequested();
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");
        var kind = FormatSniffer.Sniff(path);
        var requested = (format ?? "auto").ToLowerInvariant();
        switch (requested)
        {
            case "auto":
                break;
            case "netcdf3":
            case "netcdf4":
            case "hdf5":
                // netCDF-C reads every netCDF flavour whichever the recipe names; only a GRIB file is a mismatch.
                if (kind == ContainerKind.Grib) throw new DataException($"{path}: the recipe says {requested} but the file is GRIB");
                break;
            case "grib":
                if (kind is ContainerKind.NetCdf3 or ContainerKind.Hdf5) throw new DataException($"{path}: the recipe says grib but the file is {(kind == ContainerKind.Hdf5 ? "NetCDF-4/HDF5" : "NetCDF-3")}");
                kind = ContainerKind.Grib;
                break;
            default:
                throw new ArgumentException($"unknown input format \"{format}\" (expected auto, netcdf3, netcdf4, hdf5 or grib)", nameof(format));
        }

        switch (kind)
        {
            case ContainerKind.NetCdf3:
            case ContainerKind.Hdf5:
                var netcdf = NetCdfReadOptions.FromOptions(options, NetCdfOptions);
                return await Task.Run(() => NetCdfDatasetReader.Open(path, netcdf), ct);
            case ContainerKind.Grib:
                if (GribOpener is null) throw new DataException($"{path}: is a GRIB file, but no GRIB reader is registered");
                return await GribOpener(path, options, ct);
            default:
                throw new DataException($"{path}: not a NetCDF, HDF5 or GRIB file");
        }
    }
}
