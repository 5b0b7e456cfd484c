using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Forge.Native.Hdf5;

/// <summary>Bytes of a file that is not on local disk, read synchronously at an offset (HDF5 calls its driver synchronously).</summary>
internal interface IRangeSource
{
    long Length { get; }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; the range lies inside <see cref="Length"/>.</summary>
    void Read(long offset, Span<byte> destination);
}

/// <summary>
/// A read-only HDF5 virtual file driver (HDF5 1.10's H5FD_class_t, registered with H5FDregister) whose reads are
/// served by an <see cref="IRangeSource"/>, so the real library parses every HDF5 variant of a remote file while
/// Forge fetches only the byte ranges it asks for. A file is opened by the name <c>forge-range:N</c>, N naming a
/// registered source. A failure of the source inside a read (a FetchException) is kept and rethrown by
/// <see cref="TakeFailure"/>, not lost in HDF5's error stack. Calls hold <see cref="NetCdf.NetCdfLock"/>.
/// </summary>
internal static unsafe class RangeFileDriver
{
    private const string Prefix = "forge-range:";
    private static readonly ConcurrentDictionary<long, Registration> Sources = new();
    private static long _driverId = -1;
    private static long _next;

    private sealed class Registration(IRangeSource source)
    {
        public IRangeSource Source { get; } = source;

        public Exception? Failure { get; set; }
    }

    /// <summary>H5FD_class_t of HDF5 1.10 (H5FDpublic.h): callbacks as function pointers, then the free-list map.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct DriverClass
    {
        public byte* Name;
        public ulong MaxAddress;
        public int CloseDegree;
        public nint Terminate, SuperblockSize, SuperblockEncode, SuperblockDecode;
        public nuint FaplSize;
        public nint FaplGet, FaplCopy, FaplFree;
        public nuint DxplSize;
        public nint DxplCopy, DxplFree;
        public nint Open, Close, Compare, Query, GetTypeMap, Alloc, Free, GetEoa, SetEoa, GetEof, GetHandle, Read, Write, Flush, Truncate, Lock, Unlock;
        public fixed int FreeListMap[7];
    }

    /// <summary>H5FD_t (the part HDF5 owns and fills after open), then this driver's own fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RangeFile
    {
        public long DriverId;
        public void* Class;
        public nuint FileNumber;
        public uint AccessFlags;
        public nuint FeatureFlags;
        public ulong MaxAddress, BaseAddress, Threshold, Alignment;
        public byte PagedAggregation;
        public long Key;
        public ulong EndOfAddress;
    }

    /// <summary>Opens <paramref name="source"/> read-only through the driver; the caller holds the lock and closes the file, then calls <see cref="Forget"/>.</summary>
    public static long Open(IRangeSource source, string shownName, out long key)
    {
        var driver = Register();
        key = Interlocked.Increment(ref _next);
        var registration = new Registration(source);
        Sources[key] = registration;
        var fapl = Hdf5ModelNative.H5Pcreate(FileAccessClass());
        if (fapl < 0) throw Hdf5Status.Error((int)fapl, "H5Pcreate(file access)", shownName, null);
        try
        {
            Hdf5Status.Check(Hdf5ModelNative.H5Pset_driver(fapl, driver, null), "H5Pset_driver", shownName);
            var file = Hdf5Native.H5Fopen(Prefix + key.ToString(CultureInfo.InvariantCulture), Hdf5Native.H5F_ACC_RDONLY, fapl);
            if (file >= 0) return file;
            var failure = registration.Failure;
            Sources.TryRemove(key, out _);
            if (failure is not null) throw failure;
            throw Hdf5Status.Error((int)file, "H5Fopen (it is truncated, or its superblock or root group is damaged)", shownName, null);
        }
        finally
        {
            Hdf5Native.H5Pclose(fapl);
        }
    }

    /// <summary>The source's failure during the last HDF5 call on this file, if any (cleared).</summary>
    public static Exception? TakeFailure(long key)
    {
        if (!Sources.TryGetValue(key, out var r)) return null;
        var failure = r.Failure;
        r.Failure = null;
        return failure;
    }

    public static void Forget(long key) => Sources.TryRemove(key, out _);

    private static long FileAccessClass()
    {
        Hdf5ModelNative.H5open();
        var handle = NativeLibrary.Load(Hdf5Native.Library);
        return *(long*)NativeLibrary.GetExport(handle, "H5P_CLS_FILE_ACCESS_ID_g");
    }

    private static long Register()
    {
        if (_driverId >= 0) return _driverId;
        var cls = (DriverClass*)NativeMemory.AllocZeroed((nuint)sizeof(DriverClass));
        cls->Name = (byte*)Marshal.StringToCoTaskMemUTF8("forge_range");
        cls->MaxAddress = long.MaxValue;
        cls->CloseDegree = 1; // H5F_CLOSE_WEAK, as the sec2 driver
        cls->Open = (nint)(delegate* unmanaged<byte*, uint, long, ulong, RangeFile*>)&OpenFile;
        cls->Close = (nint)(delegate* unmanaged<RangeFile*, int>)&CloseFile;
        cls->Compare = (nint)(delegate* unmanaged<RangeFile*, RangeFile*, int>)&Compare;
        cls->Query = (nint)(delegate* unmanaged<RangeFile*, nuint*, int>)&Query;
        cls->GetEoa = (nint)(delegate* unmanaged<RangeFile*, int, ulong>)&GetEoa;
        cls->SetEoa = (nint)(delegate* unmanaged<RangeFile*, int, ulong, int>)&SetEoa;
        cls->GetEof = (nint)(delegate* unmanaged<RangeFile*, int, ulong>)&GetEof;
        cls->Read = (nint)(delegate* unmanaged<RangeFile*, int, long, ulong, nuint, byte*, int>)&Read;
        cls->Write = (nint)(delegate* unmanaged<RangeFile*, int, long, ulong, nuint, byte*, int>)&Write;
        // H5FD_FLMAP_DICHOTOMY, as sec2 (free-space lists; unused by a read-only file).
        int[] map = [1, 1, 1, 3, 3, 1, 1];
        for (var i = 0; i < 7; i++) cls->FreeListMap[i] = map[i];
        var id = Hdf5ModelNative.H5FDregister(cls);
        if (id < 0) throw Hdf5Status.Error((int)id, "H5FDregister (the range-read driver)", "HDF5", null);
        _driverId = id;
        return id;
    }

    [UnmanagedCallersOnly]
    private static RangeFile* OpenFile(byte* name, uint flags, long fapl, ulong maxAddress)
    {
        var text = Marshal.PtrToStringUTF8((nint)name) ?? "";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || !long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var key) || !Sources.ContainsKey(key))
            return null;
        var file = (RangeFile*)NativeMemory.AllocZeroed((nuint)sizeof(RangeFile));
        file->Key = key;
        return file;
    }

    [UnmanagedCallersOnly]
    private static int CloseFile(RangeFile* file)
    {
        NativeMemory.Free(file);
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int Compare(RangeFile* a, RangeFile* b) => a->Key.CompareTo(b->Key);

    [UnmanagedCallersOnly]
    private static int Query(RangeFile* file, nuint* flags)
    {
        *flags = 0; // no metadata accumulation or sieve buffers: HDF5 asks for exactly the bytes it parses
        return 0;
    }

    [UnmanagedCallersOnly]
    private static ulong GetEoa(RangeFile* file, int type) => file->EndOfAddress;

    [UnmanagedCallersOnly]
    private static int SetEoa(RangeFile* file, int type, ulong address)
    {
        file->EndOfAddress = address;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static ulong GetEof(RangeFile* file, int type) =>
        Sources.TryGetValue(file->Key, out var r) ? (ulong)r.Source.Length : 0;

    [UnmanagedCallersOnly]
    private static int Read(RangeFile* file, int type, long dxpl, ulong address, nuint size, byte* buffer)
    {
        if (!Sources.TryGetValue(file->Key, out var r)) return -1;
        try
        {
            // As sec2: bytes past the end of the file read as zeros (HDF5 has already compared the end of file
            // with the end of its address space at open, so a truncated file does not get this far).
            long length = r.Source.Length;
            long at = checked((long)address);
            long wanted = checked((long)size);
            long present = Math.Clamp(length - at, 0, wanted);
            for (long done = 0; done < present;)
            {
                var n = (int)Math.Min(present - done, 1 << 30);
                r.Source.Read(at + done, new Span<byte>(buffer + done, n));
                done += n;
            }

            if (present < wanted) new Span<byte>(buffer + present, checked((int)(wanted - present))).Clear();
            return 0;
        }
        catch (Exception e)
        {
            r.Failure ??= e;
            return -1;
        }
    }

    [UnmanagedCallersOnly]
    private static int Write(RangeFile* file, int type, long dxpl, ulong address, nuint size, byte* buffer) => -1;
}
