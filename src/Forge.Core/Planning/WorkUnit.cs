using System.Collections.Immutable;

namespace Forge.Core.Planning;

/// <summary>
/// A deterministic piece of work: a rectangular block of one array's objects, assembled in memory and written.
/// The same recipe always yields the same units with the same <see cref="Id"/>, which is what resume and
/// sharded runs key on.
/// </summary>
/// <param name="Start">First element of the block, per dimension.</param>
/// <param name="Count">Elements in the block, per dimension (clipped to the array).</param>
/// <param name="FirstObject">Object index of the block's first object, per dimension.</param>
/// <param name="ObjectCounts">Objects in the block, per dimension.</param>
public sealed record WorkUnit(string Array, int Ordinal, ImmutableArray<long> Start, ImmutableArray<long> Count, ImmutableArray<long> FirstObject, ImmutableArray<long> ObjectCounts)
{
    /// <remarks>A scalar array's one unit is "&lt;array&gt;/0" (as Zarr names its one chunk), never a key ending in '/'.</remarks>
    public string Id => FirstObject.IsEmpty ? $"{Array}/0" : $"{Array}/{string.Join('.', FirstObject)}";

    public long ElementCount => Count.Aggregate(1L, (a, b) => a * b);
}
