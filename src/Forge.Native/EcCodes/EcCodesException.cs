using Forge.Core.Datasets;

namespace Forge.Native.EcCodes;

/// <summary>An ecCodes call failed on a GRIB input; the message names the file (and key) and carries ecCodes' own text.</summary>
public sealed class EcCodesException : DataException
{
    public EcCodesException(string message, int errorCode) : base(message) => ErrorCode = errorCode;

    public EcCodesException(string message) : base(message) { }

    public EcCodesException(string message, Exception inner) : base(message, inner) { }

    public EcCodesException() { }

    /// <summary>The ecCodes error code (GRIB_* in grib_api.h), 0 when the failure was detected by Forge.</summary>
    public int ErrorCode { get; }
}
