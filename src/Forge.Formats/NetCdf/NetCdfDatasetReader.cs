using System.Collections.Frozen;
using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Native.NetCdf;

namespace Forge.Formats.NetCdf;

/// <summary>
/// Reads classic (CDF-1/2/5), NetCDF-4 and NetCDF-4-classic files through netCDF-C, root group only. All native
/// calls hold the process-wide <see cref="NetCdfLock"/>. Chunked NetCDF-4 variables filtered only by
/// deflate/shuffle/fletcher32 are read through the HDF5 direct-chunk path (parallel managed decode) unless
/// <see cref="NetCdfReadOptions.DirectChunks"/> is false.
/// </summary>
public sealed partial class NetCdfDatasetReader : IDatasetReader
{
    private readonly NetCdfFileHandle _file;
    private readonly FrozenDictionary<string, NetCdfVariable> _variables;
    private readonly ClassicLayout? _classicLayout;

    private NetCdfDatasetReader(NetCdfFileHandle file, NetCdfFormat format, DatasetSchema schema,
        ImmutableArray<NetCdfVariable> variables, ClassicLayout? classicLayout, NetCdfReadOptions options, ImmutableArray<SkippedGroup> skippedGroups)
    {
        _file = file;
        SkippedGroups = skippedGroups;
        Format = format;
        Schema = schema;
        Options = options;
        _variables = variables.ToFrozenDictionary(v => v.Schema.Name, StringComparer.Ordinal);
        _classicLayout = classicLayout;
    }

    public string Source => _file.Path;

    public DatasetSchema Schema { get; }

    /// <summary>The on-disk format netCDF-C detected.</summary>
    public NetCdfFormat Format { get; }

    public NetCdfReadOptions Options { get; }

    /// <summary>Sub-groups holding variables that were not read (only with <see cref="SubGroupPolicy.Ignore"/>; otherwise such a file is refused).</summary>
    public ImmutableArray<SkippedGroup> SkippedGroups { get; }

    /// <summary>Opens <paramref name="path"/> and reads its header (the cheap inspect).</summary>
    /// <exception cref="DataException">The file is missing, not netCDF, corrupt, or uses unsupported features (sub-group variables, user-defined types).</exception>
    public static NetCdfDatasetReader Open(string path, NetCdfReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Forge's netCDF reader requires a little-endian machine");
        options ??= NetCdfReadOptions.Default;
        if (!File.Exists(path)) throw new DataException($"{path}: file not found");

        // Classic headers are parsed (and sanity-checked) by Forge first; HDF5-based files may be opened by netCDF-C
        // in a child process first when the caller asks for it.
        var kind = FormatSniffer.Sniff(path);
        var layout = kind == ContainerKind.NetCdf3 ? ClassicLayout.Read(path) : null;
        layout?.CheckDeclaredSize(path);
        if (kind != ContainerKind.NetCdf3 && options.HeaderCheck == HeaderCheck.ChildProcess) IsolatedHeaderCheck.Run(path);

        NetCdfFileHandle? file = null;
        try
        {
            NetCdfFormat format;
            DatasetSchema schema;
            ImmutableArray<NetCdfVariable> variables;
            ImmutableArray<SkippedGroup> skippedGroups;
            using (NetCdfLock.Enter())
            {
                file = NetCdfFileHandle.Open(path);
                NetCdfStatus.Check(NetCdfNative.nc_inq_format(file.NcId, out var rawFormat), path);
                format = (NetCdfFormat)rawFormat;
                (schema, variables, skippedGroups) = NetCdfSchemaReader.Read(file.NcId, path, format, options.SubGroups);
            }

            if (format.IsClassicFamily() && layout is null)
            {
                layout = ClassicLayout.Read(path);
                layout.CheckDeclaredSize(path);
            }
            return new NetCdfDatasetReader(file, format, schema, variables, layout, options, skippedGroups);
        }
        catch (Exception ex) when (ex is not DataException)
        {
            file?.Dispose();
            throw new DataException($"{path}: cannot read the netCDF header: {ex.Message}", ex);
        }
        catch
        {
            file?.Dispose();
            throw;
        }
    }

    public ValueTask ReadAsync(string variable, ReadOnlyMemory<long> start, ReadOnlyMemory<long> count, Memory<byte> destination, CancellationToken ct = default)
    {
        try
        {
            ct.ThrowIfCancellationRequested();
            var v = Validate(variable, start.Span, count.Span, destination.Length);
            if (destination.IsEmpty) return ValueTask.CompletedTask;
            CheckDecodeBudget(v);
            var direct = DirectDataset(v);
            if (direct is not null) return ReadDirectAsync(v, direct, start.ToArray(), count.ToArray(), destination, ct);
            ReadThroughNetCdf(v, start.Span, count.Span, destination.Span);
            return ValueTask.CompletedTask;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>
    /// Bytes one stored chunk of <paramref name="v"/> needs while it is decoded (stored plus decoded copy; netCDF-C
    /// holds the same in its chunk cache), from the header: a hostile file can declare a 1 GiB chunk in 1 MiB.
    /// </summary>
    internal static long DecodeBytes(VariableSchema v)
    {
        if (!v.Layout.IsChunked) return 0;
        var bytes = (long)v.DataType.ElementSize();
        foreach (var length in v.Layout.Chunks)
        {
            if (length <= 0 || bytes > long.MaxValue / 2 / length) return long.MaxValue;
            bytes *= length;
        }

        return 2 * bytes;
    }

    private void CheckDecodeBudget(NetCdfVariable v)
    {
        if (Options.DecodeBudget is not { } budget) return;
        var needed = DecodeBytes(v.Schema);
        if (needed <= budget) return;
        var chunk = string.Join(" x ", v.Schema.Layout.Chunks);
        throw new DataException(
            $"{Source}: variable '{v.Schema.Name}': one stored chunk ({chunk} {v.Schema.DataType.ZarrV3Name()}) decodes to " +
            $"{Forge.Core.Planning.Sizes.Format(needed / 2)} and needs {Forge.Core.Planning.Sizes.Format(needed)} while decoding, more than the " +
            $"{Forge.Core.Planning.Sizes.Format(budget)} allowed for decoding ({Options.DecodeBudgetSource ?? "NetCdfReadOptions.DecodeBudget"}); " +
            "raise run.max_memory or rechunk the input (nccopy -c)");
    }

    /// <summary>Checks the request against the schema; returns the variable.</summary>
    private NetCdfVariable Validate(string variable, ReadOnlySpan<long> start, ReadOnlySpan<long> count, int destinationLength)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        if (!_variables.TryGetValue(variable, out var v))
            throw new DataException($"{Source}: variable '{variable}' not found");
        var schema = v.Schema;
        if (schema.DataType == DataType.String)
            throw new DataException($"{Source}: variable '{variable}': string variables are not supported");
        if (start.Length != schema.Rank || count.Length != schema.Rank)
            throw new ArgumentException($"{Source}: variable '{variable}' has rank {schema.Rank}, the request has {start.Length} start / {count.Length} count values");
        var elements = 1L;
        for (var i = 0; i < schema.Rank; i++)
        {
            if (start[i] < 0 || count[i] < 0 || start[i] + count[i] > schema.Shape[i])
            {
                throw new ArgumentOutOfRangeException(nameof(start),
                    $"{Source}: variable '{variable}': dimension '{schema.Dimensions[i]}' has length {schema.Shape[i]}, the request wants [{start[i]}, {start[i] + count[i]})");
            }

            elements *= count[i];
        }

        var bytes = elements * schema.DataType.ElementSize();
        if (bytes != destinationLength)
            throw new ArgumentException($"{Source}: variable '{variable}': the region needs {bytes} bytes, the destination has {destinationLength}", nameof(destinationLength));
        return v;
    }

    private unsafe void ReadThroughNetCdf(NetCdfVariable v, ReadOnlySpan<long> start, ReadOnlySpan<long> count, Span<byte> destination)
    {
        if (destination.IsEmpty) return;
        var name = v.Schema.Name;
        _classicLayout?.CheckExtent(Source, name, start, count);
        var rank = Math.Max(start.Length, 1);
        var s = stackalloc nuint[rank];
        var c = stackalloc nuint[rank];
        for (var i = 0; i < start.Length; i++)
        {
            s[i] = (nuint)start[i];
            c[i] = (nuint)count[i];
        }

        fixed (byte* d = destination)
        {
            using (NetCdfLock.Enter())
            {
                ObjectDisposedException.ThrowIf(_file.IsClosed, this);
                NetCdfStatus.Check(NetCdfNative.nc_get_vara(_file.NcId, v.VarId, s, c, d), Source, name);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        DisposeDirect();
        _file.Dispose();
        return ValueTask.CompletedTask;
    }
}
