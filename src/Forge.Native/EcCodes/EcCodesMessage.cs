using System.Text;

namespace Forge.Native.EcCodes;

/// <summary>One decoded GRIB message (a <c>codes_handle</c>): typed key access with errors that name the source file.</summary>
internal sealed unsafe class EcCodesMessage : IDisposable
{
    private const int BufferTooSmall = -3;
    private readonly EcCodesHandle _handle;

    internal EcCodesMessage(EcCodesHandle handle, string source)
    {
        _handle = handle;
        Source = source;
    }

    /// <summary>The file (or URL) the message came from, for error messages; callers may make it more precise (message number, variable) once they know it.</summary>
    public string Source { get; set; }

    /// <summary>Parses one GRIB message from bytes (copied into ecCodes-owned memory).</summary>
    public static EcCodesMessage FromBytes(ReadOnlySpan<byte> message, string source)
    {
        var context = EcCodesLibrary.Context;
        GribMessageValidator.Validate(message, source);
        EcCodesLibrary.ClearDiagnostics();
        nint raw;
        fixed (byte* p = message)
        {
            raw = EcCodesNative.codes_handle_new_from_message_copy(context, p, (nuint)message.Length);
        }

        var handle = new EcCodesHandle(raw);
        if (handle.IsInvalid)
        {
            throw EcCodesStatus.Failure(-12 /* GRIB_INVALID_MESSAGE */, source, null, EcCodesLibrary.TakeAssertion());
        }

        try
        {
            EcCodesStatus.Check(EcCodesStatus.Success, source);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return new EcCodesMessage(handle, source);
    }

    public bool IsDefined(string key) => EcCodesNative.codes_is_defined(_handle, key) != 0;

    /// <summary>True when the key is defined and coded as "missing" (all bits set).</summary>
    public bool IsMissing(string key)
    {
        var missing = EcCodesNative.codes_is_missing(_handle, key, out var error);
        return error == EcCodesStatus.Success && missing != 0;
    }

    /// <summary>The key's native type (EcCodesNative.Type*), or null when the key does not exist.</summary>
    public int? NativeType(string key)
    {
        var error = EcCodesNative.codes_get_native_type(_handle, key, out var type);
        if (error == EcCodesStatus.NotFound) return null;
        EcCodesStatus.Check(error, Source, key);
        return type;
    }

    public long GetLong(string key) => TryGetLong(key) ?? throw EcCodesStatus.Failure(EcCodesStatus.NotFound, Source, key);

    public long? TryGetLong(string key)
    {
        var error = EcCodesNative.codes_get_long(_handle, key, out var value);
        if (error == EcCodesStatus.NotFound) return null;
        EcCodesStatus.Check(error, Source, key);
        return value;
    }

    public double GetDouble(string key) => TryGetDouble(key) ?? throw EcCodesStatus.Failure(EcCodesStatus.NotFound, Source, key);

    public double? TryGetDouble(string key)
    {
        var error = EcCodesNative.codes_get_double(_handle, key, out var value);
        if (error == EcCodesStatus.NotFound) return null;
        EcCodesStatus.Check(error, Source, key);
        return value;
    }

    public string GetString(string key) => TryGetString(key) ?? throw EcCodesStatus.Failure(EcCodesStatus.NotFound, Source, key);

    public string? TryGetString(string key)
    {
        Span<byte> small = stackalloc byte[256];
        var length = (nuint)small.Length;
        int error;
        fixed (byte* p = small)
        {
            error = EcCodesNative.codes_get_string(_handle, key, p, ref length);
        }

        if (error == EcCodesStatus.NotFound) return null;
        if (error == BufferTooSmall)
        {
            EcCodesStatus.Check(EcCodesNative.codes_get_length(_handle, key, out var needed), Source, key);
            var large = new byte[(int)needed + 1];
            length = (nuint)large.Length;
            fixed (byte* p = large)
            {
                error = EcCodesNative.codes_get_string(_handle, key, p, ref length);
            }

            EcCodesStatus.Check(error, Source, key);
            return Decode(large, length);
        }

        EcCodesStatus.Check(error, Source, key);
        return Decode(small, length);
    }

    /// <summary>Number of elements of an array key (1 for scalars), or null when the key does not exist.</summary>
    public long? TryGetSize(string key)
    {
        var error = EcCodesNative.codes_get_size(_handle, key, out var size);
        if (error == EcCodesStatus.NotFound) return null;
        EcCodesStatus.Check(error, Source, key);
        return (long)size;
    }

    public long GetSize(string key) => TryGetSize(key) ?? throw EcCodesStatus.Failure(EcCodesStatus.NotFound, Source, key);

    /// <summary>Decodes a double array key into <paramref name="destination"/>; returns the element count.</summary>
    public int GetDoubleArray(string key, Span<double> destination)
    {
        var length = (nuint)destination.Length;
        int error;
        fixed (double* p = destination)
        {
            error = EcCodesNative.codes_get_double_array(_handle, key, p, ref length);
        }

        EcCodesStatus.Check(error, Source, key);
        return checked((int)length);
    }

    public double[] GetDoubleArray(string key)
    {
        var values = new double[checked((int)GetSize(key))];
        var n = GetDoubleArray(key, values);
        return n == values.Length ? values : values[..n];
    }

    public long[] GetLongArray(string key)
    {
        var values = new long[checked((int)GetSize(key))];
        var length = (nuint)values.Length;
        int error;
        fixed (long* p = values)
        {
            error = EcCodesNative.codes_get_long_array(_handle, key, p, ref length);
        }

        EcCodesStatus.Check(error, Source, key);
        return (int)length == values.Length ? values : values[..(int)length];
    }

    public void SetLong(string key, long value) => EcCodesStatus.Check(EcCodesNative.codes_set_long(_handle, key, value), Source, key);

    public void SetDouble(string key, double value) => EcCodesStatus.Check(EcCodesNative.codes_set_double(_handle, key, value), Source, key);

    public void Dispose() => _handle.Dispose();

    private static string Decode(ReadOnlySpan<byte> buffer, nuint length)
    {
        var text = buffer[..Math.Min((int)length, buffer.Length)];
        var nul = text.IndexOf((byte)0);
        if (nul >= 0) text = text[..nul];
        return Encoding.UTF8.GetString(text);
    }
}
