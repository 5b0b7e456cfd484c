using System.Buffers.Binary;
using System.Text;
using Forge.Core.Datasets;

namespace Forge.Formats.NetCdf;

/// <summary>
/// Where each variable's bytes sit in a CDF-1/2/5 file, parsed from the header. netCDF-C zero-fills reads past the
/// end of a truncated classic file without an error; Forge checks a read's byte extent against the file length
/// with this layout so truncation becomes a <see cref="DataException"/>.
/// </summary>
internal sealed class ClassicLayout
{
    private const int NcDimension = 0x0A;
    private const int NcVariable = 0x0B;
    private const int NcAttribute = 0x0C;

    private readonly Dictionary<string, Entry> _variables;

    // netCDF's NC_STREAMING: the writer did not know the number of records; netCDF-C derives it from the file size.
    private const long StreamingRecords = 0xFFFFFFFF;

    private ClassicLayout(Dictionary<string, Entry> variables, long recordSize, long fileLength, long numRecords)
    {
        _variables = variables;
        RecordSize = recordSize;
        FileLength = fileLength;
        NumRecords = numRecords;
    }

    /// <summary>The header's record count (numrecs).</summary>
    public long NumRecords { get; }

    /// <summary>
    /// Throws a <see cref="DataException"/> naming the file when the header declares more bytes than the file holds:
    /// every variable's data (numrecs × recsize for record variables, after their offset) must lie inside the file.
    /// netCDF-C would read zeros past the end instead; checked at open, before anything is read.
    /// </summary>
    public void CheckDeclaredSize(string path)
    {
        long declared = 0;
        string? culprit = null;
        foreach (var (name, entry) in _variables)
        {
            if (entry.SliceBytes == 0) continue;
            long end;
            if (!entry.IsRecord) end = entry.Begin + entry.SliceBytes;
            else if (NumRecords == 0 || NumRecords == StreamingRecords) continue;
            else end = entry.Begin + ((NumRecords - 1) * RecordSize) + entry.SliceBytes;
            if (end <= declared) continue;
            declared = end;
            culprit = name;
        }

        if (declared > FileLength)
        {
            var records = _variables[culprit!].IsRecord ? $"{NumRecords} records of {RecordSize} bytes, " : "";
            throw new DataException(
                $"{path}: the file is truncated: its header declares {declared} bytes ({records}variable '{culprit}' ends there), the file has {FileLength}");
        }
    }

    /// <summary>Bytes between the starts of consecutive records.</summary>
    public long RecordSize { get; }

    public long FileLength { get; }

    /// <param name="Begin">Offset of the variable's first byte.</param>
    /// <param name="IsRecord">True when its first dimension is the record dimension.</param>
    /// <param name="SliceBytes">Unpadded bytes of the whole variable, or of one record for record variables.</param>
    private sealed record Entry(long Begin, bool IsRecord, long SliceBytes);

    /// <summary>Throws a <see cref="DataException"/> when reading records/elements up to the region's end would run past the end of the file.</summary>
    public void CheckExtent(string file, string variable, ReadOnlySpan<long> start, ReadOnlySpan<long> count)
    {
        if (!_variables.TryGetValue(variable, out var entry)) return;
        for (var i = 0; i < count.Length; i++) if (count[i] == 0) return;
        var end = entry.IsRecord ? entry.Begin + ((start[0] + count[0] - 1) * RecordSize) + entry.SliceBytes : entry.Begin + entry.SliceBytes;
        if (end > FileLength)
        {
            throw new DataException(
                $"{file}: variable '{variable}': the file is truncated (its data needs {end} bytes, the file has {FileLength})");
        }
    }

    /// <summary>
    /// Parses and sanity-checks the header before netCDF-C sees it: counts and sizes that cannot fit in the file
    /// (which make netCDF-C allocate gigabytes and stall) become a <see cref="DataException"/>.
    /// </summary>
    public static ClassicLayout Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new ClassicHeaderReader(new BufferedStream(stream, 1 << 16), path);
        var magic = reader.Bytes(4);
        if (magic[0] != 'C' || magic[1] != 'D' || magic[2] != 'F' || magic[3] is not (1 or 2 or 5))
            throw new DataException($"{path}: not a classic netCDF file");
        var version = magic[3];
        reader.Version = version;
        var numRecs = reader.NonNeg();

        var dimLengths = new List<long>();
        var recordDim = -1;
        var tag = reader.Int32();
        var n = reader.Count(8);
        if (tag == NcDimension)
        {
            for (var i = 0; i < n; i++)
            {
                reader.Name();
                var len = reader.NonNeg();
                if (len == 0) recordDim = i;
                dimLengths.Add(len);
            }
        }

        SkipAttributes(reader);

        var variables = new Dictionary<string, Entry>(StringComparer.Ordinal);
        long recordSize = 0;
        Entry? lastRecord = null;
        long lastRecordPadded = 0;
        tag = reader.Int32();
        n = reader.Count(16);
        if (tag == NcVariable)
        {
            for (var i = 0; i < n; i++)
            {
                var name = reader.Name();
                var rank = reader.Count(4);
                if (rank > 1024) throw new DataException($"{path}: corrupt netCDF header (variable '{name}' has {rank} dimensions)");
                var product = 1L;
                var isRecord = false;
                for (var d = 0; d < rank; d++)
                {
                    var dimId = reader.NonNeg();
                    if (dimId < 0 || dimId >= dimLengths.Count) throw new DataException($"{path}: variable '{name}' names dimension id {dimId}, which does not exist");
                    if (d == 0 && dimId == recordDim) isRecord = true;
                    else product = ClassicHeaderReader.Multiply(path, name, product, dimLengths[(int)dimId]);
                }

                SkipAttributes(reader);
                var elementSize = reader.Int32() switch
                {
                    1 or 2 or 7 => 1,
                    3 or 8 => 2,
                    4 or 5 or 9 => 4,
                    6 or 10 or 11 => 8,
                    var t => throw new DataException($"{path}: variable '{name}' has invalid type {t} in the header"),
                };
                reader.NonNeg(); // vsize: recomputed below, as netCDF-C does
                var begin = version == 1 ? reader.Int32() : reader.Int64();
                var bytes = ClassicHeaderReader.Multiply(path, name, product, elementSize);
                var entry = new Entry(begin, isRecord, bytes);
                variables[name] = entry;
                if (isRecord)
                {
                    lastRecordPadded = (bytes + 3) & ~3L;
                    recordSize = ClassicHeaderReader.Multiply(path, name, 1, recordSize + lastRecordPadded < 0 ? -1 : recordSize + lastRecordPadded);
                    lastRecord = entry;
                }
            }
        }

        // netCDF-C packs records when there is a single record variable (NC_computeshapes).
        if (lastRecord is not null && recordSize == lastRecordPadded) recordSize = lastRecord.SliceBytes;
        return new ClassicLayout(variables, recordSize, stream.Length, numRecs);
    }

    private static void SkipAttributes(ClassicHeaderReader reader)
    {
        var tag = reader.Int32();
        var n = reader.Count(12);
        if (tag != NcAttribute) return;
        for (var i = 0; i < n; i++)
        {
            reader.Name();
            var size = reader.Int32() switch
            {
                1 or 2 or 7 => 1,
                3 or 8 => 2,
                4 or 5 or 9 => 4,
                _ => 8,
            };
            var count = reader.Count(size);
            reader.Skip(ClassicHeaderReader.Pad(count * size)); // Count bounded it by the bytes left in the file
        }
    }
}
