namespace Forge.Native.EcCodes;

/// <summary>Reads the GRIB messages of a local file in order, with ecCodes' own message framing (GRIB1 and GRIB2).</summary>
internal sealed class EcCodesFileReader : IDisposable
{
    private readonly CFileHandle _file;

    private EcCodesFileReader(CFileHandle file, string path)
    {
        _file = file;
        Path = path;
    }

    public string Path { get; }

    public static EcCodesFileReader Open(string path)
    {
        _ = EcCodesLibrary.Context;
        var file = new CFileHandle(LibC.fopen(path, "rb"));
        if (file.IsInvalid)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new EcCodesException($"{path}: cannot open GRIB file (errno {errno})");
        }

        return new EcCodesFileReader(file, path);
    }

    /// <summary>The next message, or null at the end of the file. Truncated or corrupt messages throw <see cref="EcCodesException"/>.</summary>
    public EcCodesMessage? Next()
    {
        EcCodesLibrary.ClearDiagnostics();
        var raw = EcCodesNative.codes_handle_new_from_file(EcCodesLibrary.Context, _file, EcCodesNative.ProductGrib, out var error);
        var handle = new EcCodesHandle(raw);
        if (handle.IsInvalid)
        {
            if (error is EcCodesStatus.Success or EcCodesStatus.EndOfFile && EcCodesLibrary.TakeAssertion() is null)
            {
                return null;
            }

            throw EcCodesStatus.Failure(error == EcCodesStatus.Success ? -12 : error, Path, null);
        }

        try
        {
            EcCodesStatus.Check(error, Path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return new EcCodesMessage(handle, Path);
    }

    public void Dispose() => _file.Dispose();
}
