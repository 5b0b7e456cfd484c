using Forge.Core.Datasets;

namespace Forge.Native.NetCdf;

/// <summary>A netCDF-C (or HDF5) error status, with the library's message, the file and the variable.</summary>
public sealed class NetCdfException : DataException
{
    public NetCdfException(string message, int status, string file, string? variable)
        : base(message)
    {
        Status = status;
        File = file;
        Variable = variable;
    }

    public NetCdfException() { }

    public NetCdfException(string message) : base(message) { }

    public NetCdfException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The netCDF-C status code (negative), or the HDF5 return value.</summary>
    public int Status { get; }

    public string File { get; } = string.Empty;

    public string? Variable { get; }
}
