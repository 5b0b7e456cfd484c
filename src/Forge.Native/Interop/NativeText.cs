using System.Runtime.InteropServices;
using System.Text;

namespace Forge.Native.Interop;

/// <summary>Conversions between native NUL-terminated UTF-8 buffers and managed strings.</summary>
internal static class NativeText
{
    /// <summary>Decodes a NUL-terminated UTF-8 buffer filled by a C function.</summary>
    public static string FromNulTerminated(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }

    /// <summary>Decodes a C string owned by the native library (not freed here).</summary>
    public static unsafe string FromPointer(byte* text) => text is null ? string.Empty : Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
}
