using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Cf;
using Forge.Core.Datasets.Combine;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Sources;
using Forge.Core.Telemetry;

namespace Forge.Core.Execution;

/// <summary>
/// Opens every input once (headers, the concat coordinate, digests of static variables), in parallel up to the
/// fetch concurrency. Like pangeo-forge's DetermineSchema, this is a barrier: nothing is written before it ends.
/// With <c>headersByRange</c> (forge plan, forge run, forge finalize), a remote input whose server honours ranges and
/// whose format's header can be read that way (classic netCDF, NetCDF-4/HDF5) is not downloaded: its header, concat
/// coordinate and static variables are read by range requests, and it has no local file in the result. With
/// <c>requireValidators</c> (a run, which fetches the input later) only an input whose source reports an ETag or a
/// Last-Modified time is read that way, so the later download can be checked to be the same object.
/// </summary>
internal static class SchemaPass
{
    public static async Task<SchemaPassResult> RunAsync(
        RunRequest request, IInputFetcher fetcher, IDatasetOpener opener, IProgressSink progress, CancellationToken ct,
        IReadOnlyDictionary<(int, int), InputRecord>? known = null, bool headersByRange = false, bool requireValidators = false, InputDisk? disk = null)
    {
        var results = new ConcurrentDictionary<(int, int), (InputDataset, FetchedInput)>();
        var byRange = new ConcurrentDictionary<(int, int), (InputDataset Dataset, long Bytes, long Length, StreamedInput Streamed)>();
        var failures = new ConcurrentDictionary<(int, int), Exception>();
        known ??= ImmutableDictionary<(int, int), InputRecord>.Empty;
        try
        {
            // Inputs the ledger vouches for (their source still reports the recorded bytes) are not fetched: the
            // schema pass result recorded with them is what this pass would find.
            await Parallel.ForEachAsync(request.Inputs.Where(i => !known.ContainsKey((i.ConcatIndex, i.MergeIndex))), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.FetchConcurrency), CancellationToken = ct }, async (input, token) =>
            {
                try
                {
                    await InspectOneAsync(input, token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures[(input.ConcatIndex, input.MergeIndex)] = e;
                    throw;
                }
            });
        }
        catch (Exception caught)
        {
            foreach (var (_, f) in results.Values)
            {
                await f.DisposeAsync();
                disk?.Deleted(f);
            }

            // Inputs are read concurrently, so several may fail before the others stop: report the first in concat
            // order, the same one every run, rather than whichever failed first.
            if (failures.IsEmpty) throw;
            var first = failures.MinBy(f => f.Key).Value;
            if (ReferenceEquals(first, caught)) throw;
            ExceptionDispatchInfo.Throw(first);
        }

        var inputs = results.Values.Select(r => r.Item1).Concat(byRange.Values.Select(r => r.Dataset)).Concat(known.Values.Select(k => k.Dataset))
            .OrderBy(i => i.ConcatIndex).ThenBy(i => i.MergeIndex).ToList();
        var ranges = new RangeReads(byRange.Count, byRange.Values.Sum(r => r.Bytes), byRange.Values.Sum(r => r.Length));
        return new SchemaPassResult(inputs, results.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Item2), ranges,
            byRange.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Streamed));

        async Task InspectOneAsync(RunInput input, CancellationToken token)
        {
            if (headersByRange && await InspectByRangeAsync(request, fetcher, opener, input, progress, requireValidators, token) is { } ranged)
            {
                byRange[(input.ConcatIndex, input.MergeIndex)] = ranged;
                return;
            }

            var file = await fetcher.FetchAsync(input.Url, token);
            results[(input.ConcatIndex, input.MergeIndex)] = (null!, file); // registered first so it is cleaned up on failure
            disk?.Fetched(input.Url, file);
            progress.InputFetched(file.Url, file.Bytes, file.FromCache, file.Retries);
            var dataset = await InspectAsync(request, opener, input, file, token);
            results[(input.ConcatIndex, input.MergeIndex)] = (dataset, file);
        }
    }

    /// <summary>The input's schema-pass result from range reads, or null when it must be downloaded (not remote, no ranges, a format read only from local files).</summary>
    private static async Task<(InputDataset Dataset, long Bytes, long Length, StreamedInput Streamed)?> InspectByRangeAsync(
        RunRequest request, IInputFetcher fetcher, IDatasetOpener opener, RunInput input, IProgressSink progress, bool requireValidators, CancellationToken ct)
    {
        var remote = await fetcher.OpenRandomAccessAsync(input.Url, ct);
        if (remote is null) return null;
        await using (remote)
        {
            // Without an ETag or Last-Modified the later download could not be told from another object: download now.
            if (requireValidators && !remote.Validators.CanValidate) return null;

            IDatasetReader? reader;
            try
            {
                reader = await opener.OpenHeaderAsync(remote, request.Format, request.FormatOptions, ct);
            }
            catch (DataException ex)
            {
                throw new DataException(ex.Message.Contains(remote.Url, StringComparison.Ordinal) ? ex.Message : $"{remote.Url}: {ex.Message}", ex);
            }

            if (reader is null) return null;
            await using (reader)
            {
                var dataset = await InspectReaderAsync(request, reader, input, remote.Url, remote.Url, ct);
                progress.InputFetched(remote.Url, remote.BytesFetched, false, 0);
                return (dataset, remote.BytesFetched, remote.Length, new StreamedInput(input.Url, remote.Url, remote.Validators));
            }
        }
    }

    private static async Task<InputDataset> InspectAsync(RunRequest request, IDatasetOpener opener, RunInput input, FetchedInput file, CancellationToken ct)
    {
        // One open per input: opening a NetCDF-4 file costs time in its variable count, so reopening it for every
        // static variable made the schema pass quadratic in variables.
        IDatasetReader reader;
        try
        {
            reader = await opener.OpenAsync(file.LocalPath, request.Format, request.FormatOptions, ct);
        }
        catch (DataException ex)
        {
            throw new DataException(Name(file, ex.Message), ex);
        }

        await using (reader)
        {
            return await InspectReaderAsync(request, reader, input, file.Url, file.LocalPath, ct);
        }
    }

    /// <summary>Header, concat coordinate and digests of the static variables of one open input.</summary>
    private static async Task<InputDataset> InspectReaderAsync(RunRequest request, IDatasetReader reader, RunInput input, string url, string localPath, CancellationToken ct)
    {
        var once = new OpenedReader(reader);
        var transformed = ConcatDimensionExpansion.Apply(TransformApplier.Apply(CfCoordinates.Mark(reader.Schema), request.Transforms, url), request.ConcatDim);
        var pending = new InputDataset(input.ConcatIndex, input.MergeIndex, url, transformed, null, ImmutableDictionary<string, string>.Empty);

        double[]? coordinate = null;
        if (transformed.Schema.FindVariable(request.ConcatDim) is { IsDimensionCoordinate: true } coord)
        {
            using var raw = await InputReading.ReadAsync(once, request, pending, localPath, coord.Name, [0], [coord.Shape[0]], ct);
            coordinate = ToDoubles(raw.Memory.Span, transformed.Origins[coord.Name].SourceDataType);
        }

        var digests = ImmutableDictionary.CreateBuilder<string, string>();
        var kept = ImmutableDictionary.CreateBuilder<string, byte[]>();
        foreach (var v in transformed.Schema.Variables)
        {
            if (v.Dimensions.Contains(request.ConcatDim) || v.DataType == DataType.String) continue;
            var start = new long[v.Rank];
            using var raw = await InputReading.ReadAsync(once, request, pending, localPath, v.Name, start, [.. v.Shape], ct);
            digests[v.Name] = Convert.ToHexString(SHA256.HashData(raw.Memory.Span));
            if (raw.Memory.Length <= InputDataset.KeptValueBytes) kept[v.Name] = raw.Memory.ToArray();
        }

        return pending with { ConcatCoordinate = coordinate, StaticDigests = digests.ToImmutable(), StaticValues = kept.ToImmutable() };
    }

    /// <summary>Hands out the already-open reader of this input; disposing a lease leaves it open.</summary>
    private sealed class OpenedReader(IDatasetReader reader) : IDatasetOpener, IDatasetReader
    {
        public string Source => reader.Source;

        public DatasetSchema Schema => reader.Schema;

        public ValueTask<IDatasetReader> OpenAsync(string path, string format, IReadOnlyDictionary<string, object?>? options = null, CancellationToken ct = default) =>
            ValueTask.FromResult<IDatasetReader>(this);

        public ValueTask ReadAsync(string variable, ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default) =>
            reader.ReadAsync(variable, start, count, destination, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Prefixes the file name unless the message already names it.</summary>
    private static string Name(FetchedInput file, string message) =>
        message.Contains(file.LocalPath, StringComparison.Ordinal) || message.Contains(file.Url, StringComparison.Ordinal)
            ? message.Replace(file.LocalPath, file.Url, StringComparison.Ordinal)
            : $"{file.Url}: {message}";

    internal static double[] ToDoubles(ReadOnlySpan<byte> raw, DataType type)
    {
        var result = new double[raw.Length / Math.Max(1, type.ElementSize())];
        var conv = new ElementConversion(type, DataType.Float64, null);
        if (type == DataType.Float64) raw.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        else conv.Apply(raw, MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }
}

/// <summary>The schema pass's result: every input's dataset, the local copies it made, and the inputs it read by range instead.</summary>
internal sealed record SchemaPassResult(
    List<InputDataset> Inputs,
    ImmutableDictionary<(int, int), FetchedInput> Files,
    RangeReads ByRange,
    ImmutableDictionary<(int, int), StreamedInput> Streamed);

/// <summary>What the schema pass read by range requests instead of downloading: inputs, bytes transferred, the inputs' total size.</summary>
public sealed record RangeReads(int Inputs, long BytesFetched, long InputBytes);
