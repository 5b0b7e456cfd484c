using System.Collections.Immutable;
using Forge.Core.Datasets.Combine;
using Forge.Core.Planning;
using static Forge.Core.Tests.Engine.Schemas;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// The piece layout of a staged sharded run: pieces never straddle an input or an object, stage-1 slices of the
/// inputs are disjoint and complete, and nothing depends on the memory budget or the worker count.
/// </summary>
public sealed class StagedLayoutTests
{
    private const long MiB = 1L << 20;

    /// <summary><paramref name="files"/> inputs of <paramref name="steps"/> time steps each, float32 tas on a 6×8 grid.</summary>
    private static TargetDataset Dataset(int files, int steps) =>
        DatasetCombiner.Combine("time", [.. Enumerable.Range(0, files).Select(i => Input(i, $"f{i}.nc", Gridded(steps, "days since 2000-01-01", 6, 8), Range(i * steps, steps)))]);

    private static RunPlan Plan(TargetDataset ds, long timeChunk, long maxMemory, int workers) =>
        RechunkPlanner.Plan(ds, new ChunkingPolicy(ImmutableDictionary<string, long>.Empty.Add("time", timeChunk).Add("lat", 3), 64 * MiB, null), null, maxMemory, workers);

    [Theory]
    [InlineData(30, 1, 30, 1)]    // daily files: one step per piece
    [InlineData(8, 10, 40, 10)]   // 10-step files into 40-step chunks: one file's steps per piece
    [InlineData(6, 4, 6, 2)]      // inputs start at multiples of 4, chunks of 6: pieces of gcd(4, 6) = 2
    [InlineData(1, 50, 20, 20)]   // one input: pieces are whole objects along time
    public void Pieces_divide_the_objects_and_every_input_start(int files, int steps, long chunk, long expected)
    {
        var ds = Dataset(files, steps);
        var layout = StagedLayout.For(Plan(ds, chunk, 1L << 30, 2));
        var tas = layout.Arrays.Single(a => a.Name == "tas");
        Assert.Equal(expected, tas.PieceSteps);
        Assert.Equal(0, chunk % tas.PieceSteps);
        Assert.All(ds.Segments, s => Assert.Equal(0, s.Start % tas.PieceSteps));
        // Every piece is filled by the input that holds its first step, and by no other.
        foreach (var (array, piece, _) in layout.PiecesOf((_, _) => true).Where(p => p.Array.Name == "tas"))
        {
            long start = piece[array.Axis] * array.PieceSteps, end = Math.Min(start + array.PieceSteps, ds.ConcatLength);
            var seg = ds.Segments.Single(s => s.ConcatIndex == layout.ConcatKeyOf(array, piece));
            Assert.True(start >= seg.Start && end <= seg.Start + seg.Length, $"piece {array.PieceId(piece)} [{start}, {end}) outside input {seg.ConcatIndex}");
        }
    }

    [Theory]
    [InlineData(30, 3)]
    [InlineData(30, 4)]
    [InlineData(5, 8)]
    public void Stage_1_slices_of_the_inputs_are_disjoint_and_cover_every_input_in_concat_order(int files, int n)
    {
        var layout = StagedLayout.For(Plan(Dataset(files, 1), files, 1L << 30, 2));
        var seen = new List<int>();
        for (int k = 0; k < n; k++)
        {
            var (first, count) = layout.InputsOf(new ShardSlice(k, n));
            Assert.Equal(seen.Count, first);
            var keys = layout.ConcatKeys.Skip(first).Take(count).ToList();
            Assert.All(keys, key => Assert.Equal(k, layout.Stage1ShardOf(key, n)));
            seen.AddRange(keys);
        }

        Assert.Equal(Enumerable.Range(0, files), seen);
    }

    [Fact]
    public void The_layout_does_not_depend_on_the_budget_or_the_workers()
    {
        var ds = Dataset(24, 1);
        static string Describe(StagedLayout l) => string.Join(";", l.Arrays.Select(a => $"{a.Name}:{a.PieceSteps}:{string.Join(",", a.PieceShape)}:{a.PieceCount}"))
            + "|" + string.Join(",", l.PiecesOf((_, _) => true).Select(p => p.Id));
        var small = Describe(StagedLayout.For(Plan(ds, 24, 64 * 1024, 1)));
        var large = Describe(StagedLayout.For(Plan(ds, 24, 1L << 30, 8)));
        Assert.Equal(large, small);
    }
}
