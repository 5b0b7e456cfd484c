using Forge.Native.Hdf5;

namespace Forge.Native.NetCdf;

/// <summary>
/// The process-wide lock held around every netCDF-C and HDF5 call: netCDF-C is not thread-safe, and both libraries
/// share one HDF5 instance, so their calls must never interleave.
/// </summary>
internal static class NetCdfLock
{
    private static readonly Lock Gate = new();

    [ThreadStatic]
    private static bool _threadPrepared;

    /// <summary>Enters the lock: <c>using (NetCdfLock.Enter()) { ... }</c>.</summary>
    public static Lock.Scope Enter()
    {
        var scope = Gate.EnterScope();
        if (!_threadPrepared)
        {
            // HDF5's error stack (and its auto-print to stderr) is per thread in the thread-safe build; keep it quiet:
            // failures surface as exceptions instead.
            Hdf5Native.H5Eset_auto2(Hdf5Native.H5E_DEFAULT, 0, 0);
            _threadPrepared = true;
        }

        return scope;
    }

    public static bool IsHeldByCurrentThread => Gate.IsHeldByCurrentThread;
}
