using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Formats.NetCdf;

namespace Forge.Formats.Remote;

/// <summary>
/// The whole header of a CDF-1/2/5 file (format: NetCDF Users Guide, "File Format Specification"), parsed in managed
/// code from any seekable stream: dimensions, variables, attributes and where each variable's bytes are. Used for
/// range reads of remote files, where netCDF-C (which needs a local file) cannot be used. Gives the schema netCDF-C
/// gives for the same file (tests compare both on every fixture).
/// </summary>
internal sealed class ClassicHeader
{
    private const int NcDimension = 0x0A;
    private const int NcVariable = 0x0B;
    private const int NcAttribute = 0x0C;
    private const int MaxName = 256;
    private const int MaxRank = 1024;

    /// <param name="Begin">Offset of the variable's first byte.</param>
    /// <param name="IsRecord">True when its first dimension is the record dimension.</param>
    /// <param name="SliceBytes">Unpadded bytes of the whole variable, or of one record for record variables.</param>
    internal sealed record Placement(long Begin, bool IsRecord, long SliceBytes);

    private ClassicHeader(DatasetSchema schema, Dictionary<string, Placement> placements, long recordSize, long numRecords, int version)
    {
        Schema = schema;
        Placements = placements;
        RecordSize = recordSize;
        NumRecords = numRecords;
        Version = version;
    }

    public DatasetSchema Schema { get; }

    public IReadOnlyDictionary<string, Placement> Placements { get; }

    /// <summary>Bytes between the starts of consecutive records.</summary>
    public long RecordSize { get; }

    public long NumRecords { get; }

    /// <summary>1 (classic), 2 (64-bit offset) or 5 (64-bit data).</summary>
    public int Version { get; }

    public static ClassicHeader Read(Stream stream, string source)
    {
        var reader = new ClassicHeaderReader(stream, source);
        var magic = reader.Bytes(4);
        if (magic[0] != 'C' || magic[1] != 'D' || magic[2] != 'F' || magic[3] is not (1 or 2 or 5))
            throw new DataException($"{source}: not a classic netCDF file");
        reader.Version = magic[3];
        var rawRecords = reader.Version == 5 ? reader.Int64() : (uint)reader.Int32();
        var streaming = reader.Version == 5 ? rawRecords == -1 : rawRecords == 0xFFFFFFFF;
        if (!streaming && rawRecords < 0) throw new DataException($"{source}: corrupt netCDF header (negative record count)");

        var dimNames = new List<string>();
        var dimLengths = new List<long>();
        var recordDim = -1;
        var tag = reader.Int32();
        var n = reader.Count(8);
        if (tag != NcDimension && (tag != 0 || n != 0)) throw new DataException($"{source}: corrupt netCDF header (dimension list tag {tag})");
        for (var i = 0; i < n; i++)
        {
            dimNames.Add(reader.Name());
            var len = reader.NonNeg();
            if (len == 0)
            {
                if (recordDim >= 0) throw new DataException($"{source}: corrupt netCDF header (two record dimensions)");
                recordDim = i;
            }

            dimLengths.Add(len);
        }

        var globals = ReadAttributes(reader, source, null);

        var variables = new List<(string Name, DataType Type, int[] Dims, AttributeSet Attributes)>();
        var placements = new Dictionary<string, Placement>(StringComparer.Ordinal);
        long recordSize = 0;
        Placement? lastRecord = null;
        long lastRecordPadded = 0;
        long firstRecordBegin = -1;
        tag = reader.Int32();
        n = reader.Count(16);
        if (tag != NcVariable && (tag != 0 || n != 0)) throw new DataException($"{source}: corrupt netCDF header (variable list tag {tag})");
        for (var i = 0; i < n; i++)
        {
            var name = reader.Name();
            var rank = reader.Count(4);
            if (rank > MaxRank) throw new DataException($"{source}: corrupt netCDF header (variable '{name}' has {rank} dimensions)");
            var dims = new int[rank];
            var product = 1L;
            var isRecord = false;
            for (var d = 0; d < rank; d++)
            {
                var dimId = reader.NonNeg();
                if (dimId >= dimLengths.Count) throw new DataException($"{source}: variable '{name}' names dimension id {dimId}, which does not exist");
                dims[d] = (int)dimId;
                if (dimId == recordDim)
                {
                    if (d != 0) throw new DataException($"{source}: variable '{name}': the record dimension is not its first dimension; the header is corrupt");
                    isRecord = true;
                }
                else
                {
                    product = ClassicHeaderReader.Multiply(source, name, product, dimLengths[(int)dimId]);
                }
            }

            var attributes = ReadAttributes(reader, source, name);
            var type = TypeOf(reader.Int32(), source, name);
            reader.NonNeg(); // vsize: recomputed, as netCDF-C does
            var begin = reader.Version == 1 ? reader.Int32() : reader.Int64();
            if (begin < 0) throw new DataException($"{source}: variable '{name}' begins at a negative offset; the header is corrupt");
            var bytes = ClassicHeaderReader.Multiply(source, name, product, type.ElementSize());
            var placement = new Placement(begin, isRecord, bytes);
            if (!placements.TryAdd(name, placement)) throw new DataException($"{source}: two variables are named '{name}'; the header is corrupt");
            variables.Add((name, type, dims, attributes));
            if (isRecord)
            {
                if (firstRecordBegin < 0) firstRecordBegin = begin;
                lastRecordPadded = (bytes + 3) & ~3L;
                recordSize = ClassicHeaderReader.Multiply(source, name, 1, recordSize + lastRecordPadded < 0 ? -1 : recordSize + lastRecordPadded);
                lastRecord = placement;
            }
        }

        // netCDF-C packs records when there is a single record variable (NC_computeshapes).
        if (lastRecord is not null && recordSize == lastRecordPadded) recordSize = lastRecord.SliceBytes;

        // A streamed file's writer did not know the record count: netCDF-C derives it from the file size.
        long numRecords = streaming
            ? recordSize > 0 && firstRecordBegin >= 0 ? Math.Max(0, stream.Length - firstRecordBegin) / recordSize : 0
            : rawRecords;

        var dimensions = ImmutableArray.CreateBuilder<Dimension>(dimNames.Count);
        for (var i = 0; i < dimNames.Count; i++) dimensions.Add(new Dimension(dimNames[i], i == recordDim ? numRecords : dimLengths[i], i == recordDim));
        var schemaVariables = ImmutableArray.CreateBuilder<VariableSchema>(variables.Count);
        foreach (var (name, type, dims, attributes) in variables)
        {
            var v = new VariableSchema(name, type, [.. dims.Select(d => dimNames[d])], [.. dims.Select(d => d == recordDim ? numRecords : dimLengths[d])], attributes)
            {
                Layout = StorageLayout.Contiguous,
            };
            schemaVariables.Add(v with { IsCoordinate = v.IsDimensionCoordinate });
        }

        var header = new ClassicHeader(new DatasetSchema(dimensions.MoveToImmutable(), schemaVariables.MoveToImmutable(), globals), placements, recordSize, numRecords, reader.Version);
        header.CheckDeclaredSize(source, stream.Length);
        return header;
    }

    /// <summary>The file must hold every variable's data (numrecs × recsize for record variables); as the local reader checks at open.</summary>
    private void CheckDeclaredSize(string source, long fileLength)
    {
        long declared = 0;
        string? culprit = null;
        foreach (var (name, p) in Placements)
        {
            if (p.SliceBytes == 0) continue;
            long end;
            if (!p.IsRecord) end = p.Begin + p.SliceBytes;
            else if (NumRecords == 0) continue;
            else end = p.Begin + ((NumRecords - 1) * RecordSize) + p.SliceBytes;
            if (end <= declared) continue;
            declared = end;
            culprit = name;
        }

        if (declared > fileLength)
        {
            var records = Placements[culprit!].IsRecord ? $"{NumRecords} records of {RecordSize} bytes, " : "";
            throw new DataException(
                $"{source}: the file is truncated: its header declares {declared} bytes ({records}variable '{culprit}' ends there), the file has {fileLength}");
        }
    }

    private static AttributeSet ReadAttributes(ClassicHeaderReader reader, string source, string? variable)
    {
        var tag = reader.Int32();
        var n = reader.Count(12);
        if (tag != NcAttribute)
        {
            if (tag != 0 || n != 0) throw new DataException($"{source}: corrupt netCDF header (attribute list tag {tag})");
            return AttributeSet.Empty;
        }

        var items = new List<KeyValuePair<string, AttributeValue>>((int)n);
        for (var i = 0; i < n; i++)
        {
            var name = reader.Name();
            var code = reader.Int32();
            var type = TypeOf(code, source, variable is null ? $"attribute '{name}'" : $"{variable}: attribute '{name}'");
            var size = type.ElementSize();
            var count = reader.Count(size);
            var raw = reader.Bytes(checked((int)(count * size)));
            reader.Skip(ClassicHeaderReader.Pad(count * size) - (count * size));
            AttributeValue value;
            if (type == DataType.Char)
            {
                // As netCDF4-python (and so xarray) does: NUL padding is not part of the text.
                value = AttributeValue.FromText(Encoding.UTF8.GetString(raw).Replace("\0", string.Empty, StringComparison.Ordinal));
            }
            else
            {
                Forge.Core.Kernels.EndianSwap.SwapInPlace(raw, size);
                value = NetCdfAttributeReader.Convert(type, raw, (int)count);
            }

            items.Add(new(name, value));
        }

        return new AttributeSet(items);
    }

    private static DataType TypeOf(int code, string source, string what) => code switch
    {
        1 => DataType.Int8,
        2 => DataType.Char,
        3 => DataType.Int16,
        4 => DataType.Int32,
        5 => DataType.Float32,
        6 => DataType.Float64,
        7 => DataType.UInt8,
        8 => DataType.UInt16,
        9 => DataType.UInt32,
        10 => DataType.Int64,
        11 => DataType.UInt64,
        _ => throw new DataException($"{source}: '{what}' has invalid type {code} in the header; the header is corrupt"),
    };

}
