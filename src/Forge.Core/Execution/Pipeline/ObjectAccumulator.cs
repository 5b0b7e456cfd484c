using Forge.Core.Execution.Memory;
using Forge.Core.Planning;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// One target object (or, when spilling, one piece of it: a run of concat steps) being assembled: a buffer of
/// <see cref="Shape"/> (edge objects zero-padded) and how many of its elements have arrived. It is complete when
/// every input region it needs has been scattered into it.
/// </summary>
/// <param name="ConcatStart">Where the buffer starts along the concat axis, in array coordinates.</param>
internal sealed class ObjectAccumulator(ArrayPlan array, long[] index, long[] shape, long concatStart, AccountedBuffer buffer, long expectedElements) : IDisposable
{
    public long[] Shape { get; } = shape;

    public long ConcatStart { get; } = concatStart;

    public ArrayPlan Array { get; } = array;

    public long[] Index { get; } = index;

    public string Id { get; } = array.ObjectId(index);

    public AccountedBuffer Buffer { get; } = buffer;

    public long ExpectedElements { get; } = expectedElements;

    public long ReceivedElements { get; private set; }

    /// <summary>Counts scattered elements; true when the object is complete.</summary>
    public bool Add(long elements)
    {
        ReceivedElements += elements;
        if (ReceivedElements > ExpectedElements)
            throw new InvalidOperationException($"object {Id} received {ReceivedElements} elements, more than its {ExpectedElements}");
        return ReceivedElements == ExpectedElements;
    }

    public void Dispose() => ((IDisposable)Buffer).Dispose();
}
