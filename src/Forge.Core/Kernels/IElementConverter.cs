namespace Forge.Core.Kernels;

/// <summary>Converts a run of source elements into target elements; lets <see cref="BlockCopy"/> convert while it copies.</summary>
public interface IElementConverter
{
    int SourceElementSize { get; }

    int TargetElementSize { get; }

    /// <summary>Converts every element of <paramref name="source"/> into the front of <paramref name="target"/>.</summary>
    void Apply(ReadOnlySpan<byte> source, Span<byte> target);
}
