namespace Forge.Core.Storage;

/// <summary>A byte range of a stored value, mapped 1:1 to an HTTP Range header.</summary>
public abstract record ByteRange
{
    private ByteRange() { }

    /// <summary><c>bytes=start-(start+length-1)</c></summary>
    public sealed record Bounded(long Start, long Length) : ByteRange;

    /// <summary><c>bytes=start-</c></summary>
    public sealed record FromOffset(long Start) : ByteRange;

    /// <summary><c>bytes=-length</c></summary>
    public sealed record Suffix(long Length) : ByteRange;

    /// <summary>Resolves the range against a value of <paramref name="totalLength"/> bytes to (offset, length).</summary>
    public (long Offset, long Length) Resolve(long totalLength) => this switch
    {
        Bounded b => (b.Start, Math.Max(0, Math.Min(b.Length, totalLength - b.Start))),
        FromOffset o => (o.Start, Math.Max(0, totalLength - o.Start)),
        Suffix s => (Math.Max(0, totalLength - s.Length), Math.Min(s.Length, totalLength)),
        _ => throw new InvalidOperationException(),
    };
}
