namespace Forge.Core.Sources;

/// <summary>
/// Random access to a remote input's bytes without downloading it whole (HTTP range requests through a small block
/// cache). Header readers use it for <c>forge inspect URL</c>, <c>forge plan</c> and the schema pass of <c>forge run</c>;
/// a run downloads each input when it decodes it.
/// </summary>
public interface IRandomAccessInput : IAsyncDisposable
{
    /// <summary>The input URL with secrets redacted, as shown to people.</summary>
    string Url { get; }

    /// <summary>The input's total size, as the server declared it in its first reply.</summary>
    long Length { get; }

    /// <summary>Size and validators from the first reply; later requests are conditional on them.</summary>
    InputValidators Validators { get; }

    /// <summary>Bytes transferred from the source so far.</summary>
    long BytesFetched { get; }

    /// <summary>Range requests sent so far.</summary>
    int Requests { get; }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; a read past <see cref="Length"/> is a <c>DataException</c> naming the URL.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken ct = default);
}
