using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;

namespace Forge.Core.Planning;

/// <summary>
/// The layout of a staged sharded run (<c>forge run --shard K/N --stage 1|2</c>) of a plan that spills: every streamed
/// array has an intermediate Zarr array beside the target whose chunks ("pieces") are runs of <see cref="StagedArray.PieceSteps"/>
/// concat steps of one target object. The piece length divides both the object's concat length and every input's
/// start along the concat dimension, so each piece lies inside one object and is filled by one input alone: stage 1
/// splits the INPUTS (contiguous runs of concat keys, cut at piece boundaries by construction) and every input is read
/// by exactly one shard; stage 2 splits the OBJECTS (<see cref="ShardSlice"/>) and assembles each from its pieces.
/// Everything here depends on the dataset and the object grid only, never on the memory budget, workers or N, so a
/// piece id ("&lt;array&gt;/&lt;i.j.k&gt;" in the intermediate grid) is a resumable work identity.
/// </summary>
public sealed class StagedLayout
{
    private readonly long[] _starts;

    private StagedLayout(string concatDim, ImmutableArray<StagedArray> arrays, ImmutableArray<int> concatKeys, long[] starts)
    {
        _starts = starts;
        ConcatDim = concatDim;
        Arrays = arrays;
        ConcatKeys = concatKeys;
    }

    public string ConcatDim { get; }

    /// <summary>The streamed arrays (their assembly units: inner chunks of a sharded array) and their piece grids.</summary>
    public ImmutableArray<StagedArray> Arrays { get; }

    /// <summary>The concat keys (inputs along the concat dimension) in concat order.</summary>
    public ImmutableArray<int> ConcatKeys { get; }

    public long PieceCount => Arrays.Sum(a => a.PieceCount);

    /// <summary>The layout of <paramref name="plan"/>'s streamed arrays (those a spill plan pushes through pieces).</summary>
    public static StagedLayout For(RunPlan plan)
    {
        var ds = plan.Dataset;
        long starts = 0;
        foreach (var seg in ds.Segments) starts = (long)BigInteger.GreatestCommonDivisor(starts, seg.Start);
        var arrays = plan.Arrays.Where(a => a.ObjectCount > 0 && SchedulePlanner.IsStreamed(ds, a)).Select(a =>
        {
            var units = a.AssemblyUnits;
            int axis = units.Variable.ConcatAxis(ds.ConcatDim);
            long chunk = units.ObjectShape[axis];
            long steps = (long)BigInteger.GreatestCommonDivisor(chunk, starts);
            return new StagedArray(units, axis, steps);
        }).ToImmutableArray();
        var ordered = ds.Segments.Where(s => s.Length > 0).OrderBy(s => s.Start).ToList();
        return new StagedLayout(ds.ConcatDim, arrays, [.. ordered.Select(s => s.ConcatIndex)], [.. ordered.Select(s => s.Start)]);
    }

    /// <summary>Stage 1: the concat keys shard <paramref name="shard"/> reads (a contiguous run; every key belongs to exactly one shard).</summary>
    public (int First, int Count) InputsOf(ShardSlice shard)
    {
        int n = ConcatKeys.Length;
        int lo = (int)((long)shard.Index * n / shard.Count), hi = (int)((long)(shard.Index + 1) * n / shard.Count);
        return (lo, hi - lo);
    }

    /// <summary>Stage 1: the shard (of <paramref name="count"/>) that reads concat key <paramref name="concatIndex"/>.</summary>
    public int Stage1ShardOf(int concatIndex, int count)
    {
        int position = ConcatKeys.IndexOf(concatIndex);
        for (int k = 0; k < count; k++)
        {
            var (first, n) = InputsOf(new ShardSlice(k, count));
            if (position >= first && position < first + n) return k;
        }

        return 0;
    }

    /// <summary>The concat key whose input fills the piece <paramref name="piece"/> of <paramref name="array"/>.</summary>
    public int ConcatKeyOf(StagedArray array, ReadOnlySpan<long> piece)
    {
        long start = piece[array.Axis] * array.PieceSteps;
        int i = Array.BinarySearch(_starts, start);
        if (i < 0) i = ~i - 1;
        return ConcatKeys[Math.Max(0, i)];
    }

    /// <summary>Every piece of the objects for which <paramref name="include"/> holds (assembly-unit index), as (array, piece index, id).</summary>
    public IEnumerable<(StagedArray Array, long[] Piece, string Id)> PiecesOf(Func<StagedArray, long[], bool> include)
    {
        foreach (var a in Arrays)
        {
            foreach (var o in a.Units.ObjectIndices())
            {
                if (!include(a, o)) continue;
                foreach (var p in a.PiecesOf(o)) yield return (a, p, a.PieceId(p));
            }
        }
    }
}

/// <summary>
/// One streamed array of a staged run: its assembly units (objects, or inner chunks of a sharded array) cut into
/// pieces of <paramref name="PieceSteps"/> concat steps (full object extent elsewhere): the chunks of its intermediate array.
/// </summary>
public sealed record StagedArray(ArrayPlan Units, int Axis, long PieceSteps)
{
    public string Name => Units.Variable.Name;

    /// <summary>The intermediate array's chunk shape: the object's, with <see cref="PieceSteps"/> along the concat axis.</summary>
    public ImmutableArray<long> PieceShape => Units.ObjectShape.SetItem(Axis, PieceSteps);

    public long PieceBytes => PieceShape.Aggregate(1L, (x, y) => x * y) * Units.ElementSize;

    public long PiecesPerObject => Units.ObjectShape[Axis] / PieceSteps;

    public long PieceCount
    {
        get
        {
            long along = (Units.Shape[Axis] + PieceSteps - 1) / PieceSteps;
            return Units.ObjectGrid.Select((g, d) => d == Axis ? along : g).Aggregate(1L, (x, y) => x * y);
        }
    }

    /// <summary>The pieces of object <paramref name="objectIndex"/> that hold array data (the last object's may be fewer).</summary>
    public IEnumerable<long[]> PiecesOf(long[] objectIndex)
    {
        long first = objectIndex[Axis] * PiecesPerObject;
        long last = Math.Min(first + PiecesPerObject, (Units.Shape[Axis] + PieceSteps - 1) / PieceSteps);
        for (long p = first; p < last; p++)
        {
            var piece = (long[])objectIndex.Clone();
            piece[Axis] = p;
            yield return piece;
        }
    }

    /// <summary>The piece (intermediate chunk index) of an accumulator of object <paramref name="objectIndex"/> starting at concat step <paramref name="concatStart"/>.</summary>
    public long[] PieceAt(long[] objectIndex, long concatStart)
    {
        var piece = (long[])objectIndex.Clone();
        piece[Axis] = concatStart / PieceSteps;
        return piece;
    }

    /// <summary>The piece's id, its ledger identity: "&lt;array&gt;/&lt;i.j.k&gt;" in the intermediate grid.</summary>
    public string PieceId(ReadOnlySpan<long> piece) => ObjectIds.Of(Name, piece);

    /// <summary>Parses the grid index of a piece id of this array.</summary>
    public static long[] IndexOf(string id) =>
        [.. id[(id.LastIndexOf('/') + 1)..].Split('.').Select(x => long.Parse(x, CultureInfo.InvariantCulture))];
}
