using Microsoft.Win32.SafeHandles;

namespace Forge.Native.EcCodes;

/// <summary>One ecCodes <c>codes_handle*</c>, deleted with <c>codes_handle_delete</c>.</summary>
internal sealed class EcCodesHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public EcCodesHandle() : base(ownsHandle: true) { }

    internal EcCodesHandle(nint handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle() => EcCodesNative.codes_handle_delete(handle) == 0;
}
