using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Zarr;

namespace Forge.Core.Verification;

/// <summary>
/// The input half of <c>forge verify --sample N</c>: the inputs' identities (size, SHA-256) against the ledger, then
/// N inputs re-read (evenly spread over the concat order, first and last included) and every variable the store holds
/// from them compared value for value with the store: the input's region along the concat dimension, one step at a
/// time, converted as the engine converts (CF unpacking, time re-encoding); static variables whole.
/// </summary>
internal sealed class InputSampleCheck(PreparedRun run, IDatasetOpener opener, ZarrGroupReader group, ConcurrentQueue<VerifyFinding> findings)
{
    private long _values;

    public long ValuesCompared => _values;

    private void Report(string subject, string message) => findings.Enqueue(new VerifyFinding(subject, message));

    /// <summary>Which inputs a sample of <paramref name="n"/> re-reads: evenly spread, first and last included.</summary>
    public static IReadOnlyList<InputDataset> Pick(TargetDataset ds, int n)
    {
        var all = ds.InputsByConcatThenMerge.SelectMany(g => g).ToList();
        if (n >= all.Count) return all;
        if (n <= 0) return [];
        if (n == 1) return [all[0]];
        return [.. Enumerable.Range(0, n).Select(k => (int)Math.Round(k * (all.Count - 1) / (double)(n - 1))).Distinct().Select(i => all[i])];
    }

    public void CompareIdentity(RunIdentity now, RunIdentity? recorded)
    {
        if (recorded is null) return;
        foreach (var diff in now.DifferencesFrom(recorded)) Report("ledger", diff);
    }

    public async Task<int> RunAsync(int sample, CancellationToken ct)
    {
        var picked = Pick(run.Dataset, sample);
        foreach (var input in picked) await CompareAsync(input, ct).ConfigureAwait(false);
        return picked.Count;
    }

    private async Task CompareAsync(InputDataset input, CancellationToken ct)
    {
        var ds = run.Dataset;
        var seg = ds.Segments.First(s => s.ConcatIndex == input.ConcatIndex);
        var file = run.Files[(input.ConcatIndex, input.MergeIndex)];
        var url = run.Request.Inputs.First(i => i.ConcatIndex == input.ConcatIndex && i.MergeIndex == input.MergeIndex).Url;
        await using var reader = await opener.OpenAsync(file.LocalPath, run.Request.Format, run.Request.FormatOptions, ct).ConfigureAwait(false);
        foreach (var v in ds.Variables.Where(v => v.MergeIndex == input.MergeIndex && input.Dataset.Origins.ContainsKey(v.Name)))
        {
            if (!group.Arrays.ContainsKey(v.Name)) continue; // the store check reports absent arrays
            var store = group.OpenArray(v.Name);
            if (!store.Metadata.Shape.SequenceEqual(v.Shape) || store.Metadata.DataType != v.DataType)
            {
                Report(url, $"variable '{v.Name}': the store's array is {store.Metadata.DataType} [{string.Join(", ", store.Metadata.Shape)}], the inputs make {v.DataType} [{string.Join(", ", v.Shape)}]");
                continue;
            }

            int axis = v.HasConcatDim ? v.ConcatAxis(ds.ConcatDim) : -1;
            var mismatch = new Mismatch(v);
            if (axis < 0)
            {
                await CompareRegionAsync(reader, input, v, store, new long[v.Shape.Length], [.. v.Shape], 0, -1, mismatch, ct).ConfigureAwait(false);
            }
            else
            {
                for (long t = 0; t < seg.Length; t++)
                {
                    var start = new long[v.Shape.Length];
                    var count = v.Shape.ToArray();
                    start[axis] = t;
                    count[axis] = 1;
                    await CompareRegionAsync(reader, input, v, store, start, count, seg.Start, axis, mismatch, ct).ConfigureAwait(false);
                }
            }

            if (mismatch.Count > 0)
                Report(url, $"variable '{v.Name}': {mismatch.Count} of {mismatch.Compared} values differ from the store (first at [{string.Join(", ", mismatch.At!)}]: {mismatch.Expected} from the input, {mismatch.Actual} in the store)");
        }
    }

    /// <summary>Compares one box (input coordinates; along the concat axis offset by <paramref name="concatStart"/> in the store).</summary>
    private async Task CompareRegionAsync(IDatasetReader reader, InputDataset input, TargetVariable v, ZarrArrayReader store, long[] start, long[] count, long concatStart, int axis, Mismatch mismatch, CancellationToken ct)
    {
        long elements = count.Aggregate(1L, (a, b) => a * b);
        if (elements == 0) return;
        int es = v.DataType.ElementSize();
        var expected = new byte[elements * es];
        if (SchedulePlanner.IsComputedCoordinate(run.Dataset, v))
        {
            // Re-encoded in the schema pass from this input's own times: the values are the plan's.
            var values = run.Dataset.ConcatCoordinate.AsSpan().Slice((int)(concatStart + start[0]), (int)count[0]);
            new ElementConversion(DataType.Float64, v.DataType, null).Apply(MemoryMarshal.AsBytes(values), expected);
        }
        else
        {
            var conversion = InputConversion.For(input, v);
            var raw = new byte[elements * InputConversion.SourceElementSize(input, v.Name)];
            await InputReading.ReadAsync(reader, input, v.Name, start, count, raw, ct).ConfigureAwait(false);
            if (conversion.IsCopy) expected = raw;
            else conversion.Apply(raw, expected);
        }

        var storeStart = (long[])start.Clone();
        if (axis >= 0) storeStart[axis] += concatStart;
        var actual = new byte[elements * es];
        await store.ReadRegionAsync(storeStart, count, actual, ct).ConfigureAwait(false);
        Interlocked.Add(ref _values, elements);
        mismatch.Compared += elements;
        for (long i = 0; i < elements; i++)
        {
            var e = expected.AsSpan((int)(i * es), es);
            var a = actual.AsSpan((int)(i * es), es);
            if (e.SequenceEqual(a) || BothNaN(v.DataType, e, a)) continue;
            if (mismatch.Count++ == 0)
            {
                var at = new long[count.Length];
                long rest = i;
                for (int d = count.Length - 1; d >= 0; d--)
                {
                    at[d] = storeStart[d] + (rest % count[d]);
                    rest /= count[d];
                }

                mismatch.At = at;
                mismatch.Expected = Format(v.DataType, e);
                mismatch.Actual = Format(v.DataType, a);
            }
        }
    }

    private static bool BothNaN(DataType type, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => type switch
    {
        DataType.Float32 => float.IsNaN(BinaryPrimitives.ReadSingleLittleEndian(a)) && float.IsNaN(BinaryPrimitives.ReadSingleLittleEndian(b)),
        DataType.Float64 => double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(a)) && double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(b)),
        _ => false,
    };

    private static string Format(DataType type, ReadOnlySpan<byte> e) => type switch
    {
        DataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(e).ToString("R", CultureInfo.InvariantCulture),
        DataType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(e).ToString("R", CultureInfo.InvariantCulture),
        DataType.Int8 => ((sbyte)e[0]).ToString(CultureInfo.InvariantCulture),
        DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(e).ToString(CultureInfo.InvariantCulture),
        DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(e).ToString(CultureInfo.InvariantCulture),
        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(e).ToString(CultureInfo.InvariantCulture),
        DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(e).ToString(CultureInfo.InvariantCulture),
        DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(e).ToString(CultureInfo.InvariantCulture),
        DataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(e).ToString(CultureInfo.InvariantCulture),
        _ => "0x" + Convert.ToHexString(e),
    };

    private sealed class Mismatch(TargetVariable variable)
    {
        public TargetVariable Variable { get; } = variable;

        public long Count { get; set; }

        public long Compared { get; set; }

        public long[]? At { get; set; }

        public string? Expected { get; set; }

        public string? Actual { get; set; }
    }
}
