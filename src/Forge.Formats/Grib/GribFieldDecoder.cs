using System.Buffers;
using Forge.Core.Datasets;
using Forge.Native.EcCodes;
using Microsoft.Win32.SafeHandles;

namespace Forge.Formats.Grib;

/// <summary>
/// Decodes whole GRIB fields to float32 (missing points → NaN, as cfgrib), reading each message's bytes at its
/// scanned offset. Keeps the most recently decoded fields so reads that slice one field several times decode it once.
/// </summary>
internal sealed class GribFieldDecoder : IDisposable
{
    private const long CacheBytes = 64L << 20;
    private readonly SafeFileHandle _file;
    private readonly string _source;
    private readonly Lock _cacheLock = new();
    private readonly LinkedList<(int Ordinal, float[] Values)> _cache = new();
    private long _cachedBytes;

    public GribFieldDecoder(string path)
    {
        _source = path;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
    }

    public async ValueTask<float[]> DecodeAsync(GribVariable variable, GribField field, CancellationToken ct)
    {
        lock (_cacheLock)
        {
            for (var node = _cache.First; node is not null; node = node.Next)
            {
                if (node.Value.Ordinal != field.Ordinal) continue;
                _cache.Remove(node);
                _cache.AddFirst(node);
                return node.Value.Values;
            }
        }

        var length = checked((int)field.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = await RandomAccess.ReadAsync(_file, bytes.AsMemory(read, length - read), field.Offset + read, ct).ConfigureAwait(false);
                if (n == 0) throw new DataException($"{_source}: GRIB message {field.MessageNumber} at byte {field.Offset}, variable '{variable.Name}': truncated (file changed since it was opened?)");
                read += n;
            }

            var message = bytes.AsSpan(0, length);
            var values = field.FieldIndex == 0 && GribMultiField.CountFields(message, _source) == 1
                ? Decode(variable, field, message)
                : Decode(variable, field, GribMultiField.Extract(message, field.FieldIndex, $"{_source}: GRIB message {field.MessageNumber} at byte {field.Offset}, variable '{variable.Name}'"));
            lock (_cacheLock)
            {
                _cache.AddFirst((field.Ordinal, values));
                _cachedBytes += values.Length * sizeof(float);
                while (_cachedBytes > CacheBytes && _cache.Count > 1)
                {
                    _cachedBytes -= _cache.Last!.Value.Values.Length * sizeof(float);
                    _cache.RemoveLast();
                }
            }

            return values;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private float[] Decode(GribVariable variable, GribField field, ReadOnlySpan<byte> message)
    {
        {
            using var m = EcCodesMessage.FromBytes(message, $"{_source}: GRIB message {field.MessageNumber} at byte {field.Offset}, variable '{variable.Name}'");
            m.SetDouble("missingValue", GribConventions.MissingValueIndicator);
            var expected = variable.FieldLength;
            var size = m.GetSize("values");
            if (size != expected)
            {
                throw new DataException($"{_source}: GRIB message {field.MessageNumber} at byte {field.Offset}, variable '{variable.Name}': {size} values, its grid has {expected}");
            }

            var doubles = ArrayPool<double>.Shared.Rent(checked((int)size));
            try
            {
                var n = m.GetDoubleArray("values", doubles.AsSpan(0, (int)size));
                if (n != size) throw new DataException($"{_source}: GRIB message {field.MessageNumber} at byte {field.Offset}, variable '{variable.Name}': decoded {n} of {size} values");
                var values = new float[size];
                for (var i = 0; i < values.Length; i++)
                {
                    var v = (float)doubles[i];
                    values[i] = v == float.MaxValue ? float.NaN : v;
                }

                if (variable.GeoShape.Length == 2 && m.TryGetLong("alternativeRowScanning") == 1)
                {
                    // Boustrophedonic rows: odd rows are stored right to left (cfgrib's get_values_in_order).
                    var nx = (int)variable.GeoShape[1];
                    for (var row = 1; row < variable.GeoShape[0]; row += 2) values.AsSpan(row * nx, nx).Reverse();
                }

                return values;
            }
            finally
            {
                ArrayPool<double>.Shared.Return(doubles);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
