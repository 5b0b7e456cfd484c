using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Forge.Native.EcCodes;

/// <summary>
/// Process-wide ecCodes setup: the default context with Forge's logging and assertion procs installed once.
/// Debian builds ecCodes with GRIB_OMP_THREADS=1 (eccodes_config.h), so the context is internally locked and
/// handles may be used concurrently as long as each handle stays on one thread at a time; Forge needs no lock
/// of its own (and must not share the netCDF lock).
/// </summary>
internal static unsafe class EcCodesLibrary
{
    private const int LogWarning = 1;
    private const int LogError = 2;
    private const int LogFatal = 3;

    private static readonly Lazy<nint> DefaultContext = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic] private static string? _lastMessage;
    [ThreadStatic] private static string? _assertion;

    /// <summary>The default <c>codes_context*</c>, initialised on first use.</summary>
    internal static nint Context => DefaultContext.Value;

    /// <summary>ecCodes version as MAJOR*10000 + MINOR*100 + PATCH.</summary>
    internal static long ApiVersion
    {
        get
        {
            _ = Context;
            return EcCodesNative.codes_get_api_version();
        }
    }

    private static nint Initialize()
    {
        // Instead of abort()ing the process on an internal assertion, ecCodes calls this proc and returns an error.
        EcCodesNative.codes_set_codes_assertion_failed_proc(&OnAssertionFailed);
        var context = EcCodesNative.codes_context_get_default();
        if (context == 0) throw new EcCodesException("ecCodes: no default context (is libeccodes0 installed with its definitions?)");
        EcCodesNative.codes_context_set_logging_proc(context, &OnLog);
        // Forge reads one field per message; multi-field GRIB2 messages are scanned field by field elsewhere.
        EcCodesNative.codes_grib_multi_support_off(context);
        return context;
    }

    /// <summary>Takes (and clears) the last ecCodes error/warning logged on this thread.</summary>
    internal static string? TakeLastMessage()
    {
        var message = _lastMessage;
        _lastMessage = null;
        return message;
    }

    /// <summary>Takes (and clears) an ecCodes assertion failure raised on this thread.</summary>
    internal static string? TakeAssertion()
    {
        var assertion = _assertion;
        _assertion = null;
        return assertion;
    }

    /// <summary>Clears thread-local diagnostics before a call whose failure should be reported alone.</summary>
    internal static void ClearDiagnostics()
    {
        _lastMessage = null;
        _assertion = null;
    }

    internal static string ErrorText(int code)
    {
        _ = Context;
        var text = Marshal.PtrToStringUTF8(EcCodesNative.codes_get_error_message(code));
        return string.IsNullOrEmpty(text) ? $"error {code}" : text;
    }

    [UnmanagedCallersOnly]
    private static void OnLog(nint context, int level, byte* message)
    {
        if (level is not (LogWarning or LogError or LogFatal) || message == null) return;
        var text = Marshal.PtrToStringUTF8((nint)message)?.Trim();
        if (string.IsNullOrEmpty(text)) return;
        // Keep a short trail: ecCodes often logs the cause in several lines.
        _lastMessage = _lastMessage is null ? text : Truncate(_lastMessage + "; " + text);
    }

    [UnmanagedCallersOnly]
    private static void OnAssertionFailed(byte* message)
    {
        _assertion = message == null ? "assertion failed" : Marshal.PtrToStringUTF8((nint)message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Truncate(string text) => text.Length <= 600 ? text : text[^600..];
}
