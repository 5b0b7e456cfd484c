using System.Runtime.InteropServices;
using Forge.Native.NetCdf;

namespace Forge.Native.Hdf5;

/// <summary>Which H5*close function releases an <see cref="Hdf5Handle"/>.</summary>
internal enum Hdf5ObjectKind
{
    File,
    Dataset,
    Dataspace,
    PropertyList,
    Datatype,
}

/// <summary>Owns one HDF5 identifier (hid_t) and closes it with the right function, under <see cref="NetCdfLock"/>.</summary>
internal sealed class Hdf5Handle : SafeHandle
{
    public Hdf5Handle(long id, Hdf5ObjectKind kind) : base(-1, ownsHandle: true)
    {
        SetHandle((nint)id);
        Kind = kind;
    }

    public Hdf5ObjectKind Kind { get; }

    public long Id => handle;

    public override bool IsInvalid => handle < 0;

    protected override bool ReleaseHandle()
    {
        var id = (long)handle;
        using (NetCdfLock.Enter())
        {
            return Kind switch
            {
                Hdf5ObjectKind.File => Hdf5Native.H5Fclose(id),
                Hdf5ObjectKind.Dataset => Hdf5Native.H5Dclose(id),
                Hdf5ObjectKind.Dataspace => Hdf5Native.H5Sclose(id),
                Hdf5ObjectKind.PropertyList => Hdf5Native.H5Pclose(id),
                _ => Hdf5Native.H5Tclose(id),
            } >= 0;
        }
    }
}
