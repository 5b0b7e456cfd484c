using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Formats;
using Forge.Formats.Grib;
using Forge.Native.Compression;

namespace Forge.Cli.Composition;

/// <summary>Composes the dataset readers (netCDF-C / HDF5, ecCodes) and registers the native Zarr codecs once.</summary>
internal static class Readers
{
    private static int _registered;

    public static IDatasetOpener CreateOpener()
    {
        RegisterNativeCodecs();
        // Each NetCDF-4/HDF5 input's header is first read in a child process (ncdump), so a corrupt file cannot crash forge.
        return new HeaderCheckedOpener(async (path, options, ct) => await GribDatasetReader.OpenAsync(path, GribFilter.FromOptions(options), ct));
    }

    public static void RegisterNativeCodecs()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) CodecRegistry.Default.Register(NativeCodecFactory.Instance);
    }
}
