namespace Forge.Native.EcCodes;

/// <summary>The one place ecCodes return codes become exceptions.</summary>
internal static class EcCodesStatus
{
    internal const int Success = 0;
    internal const int EndOfFile = -1;
    internal const int ArrayTooSmall = -6;
    internal const int NotFound = -10;
    internal const int PrematureEndOfFile = -45;

    /// <summary>Throws <see cref="EcCodesException"/> when <paramref name="error"/> is not 0 or ecCodes hit an internal assertion.</summary>
    /// <param name="error">The ecCodes return code.</param>
    /// <param name="file">The GRIB file (or URL) being read, named in the message.</param>
    /// <param name="key">The key being read, if any.</param>
    internal static void Check(int error, string file, string? key = null)
    {
        var assertion = EcCodesLibrary.TakeAssertion();
        if (error == Success && assertion is null)
        {
            return;
        }

        throw Failure(error, file, key, assertion);
    }

    internal static EcCodesException Failure(int error, string file, string? key, string? assertion = null)
    {
        var what = key is null ? "" : $" reading key '{key}'";
        var text = error != Success ? EcCodesLibrary.ErrorText(error) : "internal error";
        var log = EcCodesLibrary.TakeLastMessage();
        var detail = (assertion is null ? "" : $" (ecCodes assertion: {assertion})") + (log is null ? "" : $" [{log}]");
        return new EcCodesException($"{file}: ecCodes{what}: {text}{detail}", error);
    }
}
