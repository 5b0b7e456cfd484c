using Forge.Native.NetCdf;

namespace Forge.Native.Hdf5;

/// <summary>The one place HDF5 return values (negative = failure) become exceptions naming file and variable.</summary>
internal static class Hdf5Status
{
    public static long CheckId(long id, string what, string file, string? variable = null) =>
        id < 0 ? throw Error((int)id, what, file, variable) : id;

    public static int Check(int status, string what, string file, string? variable = null) =>
        status < 0 ? throw Error(status, what, file, variable) : status;

    public static NetCdfException Error(int status, string what, string file, string? variable)
    {
        var where = variable is null ? file : $"{file}: variable '{variable}'";
        return new NetCdfException($"{where}: HDF5 {what} failed", status, file, variable);
    }
}
