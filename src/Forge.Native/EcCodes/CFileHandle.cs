using Microsoft.Win32.SafeHandles;

namespace Forge.Native.EcCodes;

/// <summary>A C <c>FILE*</c> opened with libc <c>fopen</c>, closed with <c>fclose</c>.</summary>
internal sealed class CFileHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public CFileHandle() : base(ownsHandle: true) { }

    internal CFileHandle(nint file) : base(ownsHandle: true) => SetHandle(file);

    protected override bool ReleaseHandle() => LibC.fclose(handle) == 0;
}
