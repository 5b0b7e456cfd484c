using System.Runtime.InteropServices;

namespace Forge.Native.EcCodes;

/// <summary>Raw ecCodes C API (Debian's libeccodes0). Callers go through <see cref="EcCodesMessage"/> and <see cref="EcCodesStatus"/>.</summary>
internal static unsafe partial class EcCodesNative
{
    private const string Lib = "libeccodes.so.0";

    internal const int TypeUndefined = 0;
    internal const int TypeLong = 1;
    internal const int TypeDouble = 2;
    internal const int TypeString = 3;

    [LibraryImport(Lib)]
    internal static partial nint codes_context_get_default();

    [LibraryImport(Lib)]
    internal static partial void codes_context_set_logging_proc(nint context, delegate* unmanaged<nint, int, byte*, void> proc);

    [LibraryImport(Lib)]
    internal static partial void codes_set_codes_assertion_failed_proc(delegate* unmanaged<byte*, void> proc);

    [LibraryImport(Lib)]
    internal static partial void codes_grib_multi_support_off(nint context);

    [LibraryImport(Lib)]
    internal static partial long codes_get_api_version();

    [LibraryImport(Lib)]
    internal static partial nint codes_definition_path(nint context);

    [LibraryImport(Lib)]
    internal static partial nint codes_get_error_message(int code);

    [LibraryImport(Lib)]
    internal static partial nint codes_handle_new_from_message_copy(nint context, byte* data, nuint length);

    [LibraryImport(Lib)]
    internal static partial int codes_handle_delete(nint handle);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_is_defined(EcCodesHandle handle, string key);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_is_missing(EcCodesHandle handle, string key, out int error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_native_type(EcCodesHandle handle, string key, out int type);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_size(EcCodesHandle handle, string key, out nuint size);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_length(EcCodesHandle handle, string key, out nuint length);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_long(EcCodesHandle handle, string key, out long value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_double(EcCodesHandle handle, string key, out double value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_string(EcCodesHandle handle, string key, byte* buffer, ref nuint length);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_double_array(EcCodesHandle handle, string key, double* values, ref nuint length);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_get_long_array(EcCodesHandle handle, string key, long* values, ref nuint length);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_set_double(EcCodesHandle handle, string key, double value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int codes_set_long(EcCodesHandle handle, string key, long value);
}
