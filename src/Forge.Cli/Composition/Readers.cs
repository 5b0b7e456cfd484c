using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Formats;
using Forge.Formats.Grib;
using Forge.Formats.NetCdf;
using Forge.Native.Compression;

namespace Forge.Cli.Composition;

/// <summary>Composes the dataset readers (netCDF-C / HDF5, ecCodes) and registers the native Zarr codecs once.</summary>
internal static class Readers
{
    private static int _registered;

    /// <param name="maxMemory">run.max_memory: bounds the memory chunk decoding may take (a hostile input declaring a huge chunk is refused).</param>
    /// <param name="rangeFallback">Told why a remote file read by range is downloaded after all (URL, reason), for a log line.</param>
    public static IDatasetOpener CreateOpener(long? maxMemory = null, Action<string, string>? rangeFallback = null)
    {
        RegisterNativeCodecs();
        var netcdf = maxMemory is { } m ? NetCdfReadOptions.Default.FromMaxMemory(m) : NetCdfReadOptions.Default;
        // Each NetCDF-4/HDF5 input's header is first read in a child process (ncdump), so a corrupt file cannot crash forge.
        return new HeaderCheckedOpener(async (path, options, ct) => await GribDatasetReader.OpenAsync(path, GribFilter.FromOptions(options), ct), netcdf, rangeFallback);
    }

    public static void RegisterNativeCodecs()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) CodecRegistry.Default.Register(NativeCodecFactory.Instance);
    }
}
