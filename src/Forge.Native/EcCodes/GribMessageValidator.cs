using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Forge.Native.EcCodes;

/// <summary>
/// Structural checks on a GRIB message before ecCodes sees it. ecCodes trusts section lengths, template numbers and
/// packing parameters; a corrupt value can make it read out of bounds and kill the process (seen with bit-flipped
/// complex packing). These checks reject such messages with an <see cref="EcCodesException"/> instead.
/// They are plausibility checks on the framing, not a full decoder: valid messages always pass.
/// </summary>
internal static class GribMessageValidator
{
    /// <summary>Largest Gaussian number accepted (ECMWF's finest operational grid is O8000 / N8000).</summary>
    private const uint MaxGaussianN = 16000;

    private static readonly ConcurrentDictionary<string, bool> TemplateExists = new(StringComparer.Ordinal);
    private static readonly Lazy<string[]> DefinitionRoots = new(FindDefinitionRoots);

    /// <summary>Throws when <paramref name="message"/> is not a structurally sound GRIB1/GRIB2 message.</summary>
    public static void Validate(ReadOnlySpan<byte> message, string source)
    {
        if (message.Length < 16 || !message[..4].SequenceEqual("GRIB"u8))
        {
            throw Bad(source, "does not start with 'GRIB'");
        }

        if (!message[^4..].SequenceEqual("7777"u8)) throw Bad(source, "does not end with '7777' (truncated or corrupt)");
        switch (message[7])
        {
            case 1:
                ValidateGrib1(message, source);
                break;
            case 2:
                ValidateGrib2(message, source);
                break;
            default:
                throw Bad(source, $"has unknown GRIB edition {message[7]}");
        }
    }

    private static void ValidateGrib2(ReadOnlySpan<byte> m, string source)
    {
        var total = BinaryPrimitives.ReadUInt64BigEndian(m[8..16]);
        if (total != (ulong)m.Length) throw Bad(source, $"declares {total} bytes but has {m.Length}");

        var pos = 16;
        long points = -1, values = -1;
        int sec5 = -1, sec5Length = 0, sec7 = -1, sec7Length = -1, lastSection = 0;
        while (pos < m.Length - 4)
        {
            if (pos + 5 > m.Length - 4) throw Bad(source, $"has a cut section header at byte {pos}");
            var length = BinaryPrimitives.ReadUInt32BigEndian(m[pos..]);
            var number = m[pos + 4];
            if (length < 5 || length > (uint)(m.Length - 4 - pos)) throw Bad(source, $"section {number} at byte {pos} has impossible length {length}");
            if (number is < 1 or > 7) throw Bad(source, $"has unknown section number {number} at byte {pos}");
            // Multi-field messages are split into one message per field (GribMultiField) before they reach ecCodes.
            if (lastSection == 7) throw Bad(source, "holds several fields (multi-field GRIB2 message) where one field was expected: it was not split");
            if (number <= lastSection && !(number >= 2 && lastSection >= 2)) throw Bad(source, $"has section {number} after section {lastSection}");
            var s = m.Slice(pos, (int)length);
            switch (number)
            {
                case 3:
                    Need(s, 14, 3, source);
                    points = BinaryPrimitives.ReadUInt32BigEndian(s[6..]);
                    RequireTemplate(source, "grib2", $"template.3.{BinaryPrimitives.ReadUInt16BigEndian(s[12..])}");
                    ValidateGrib2Grid(s, points, source);
                    break;
                case 4:
                    Need(s, 9, 4, source);
                    RequireTemplate(source, "grib2", $"template.4.{BinaryPrimitives.ReadUInt16BigEndian(s[7..])}");
                    break;
                case 5:
                    Need(s, 11, 5, source);
                    values = BinaryPrimitives.ReadUInt32BigEndian(s[5..]);
                    RequireTemplate(source, "grib2", $"template.5.{BinaryPrimitives.ReadUInt16BigEndian(s[9..])}");
                    sec5 = pos;
                    sec5Length = (int)length;
                    break;
                case 6:
                    Need(s, 6, 6, source);
                    if (s[5] == 0) ValidateBitmap(s[6..], points, values, source);
                    break;
                case 7:
                    sec7 = pos;
                    sec7Length = (int)length;
                    break;
            }

            lastSection = number;
            pos += (int)length;
        }

        if (pos != m.Length - 4) throw Bad(source, "sections do not end where '7777' starts");
        if (points < 0 || sec5 < 0 || sec7Length < 0) throw Bad(source, "lacks a grid (3), data representation (5) or data (7) section");
        if (values > points) throw Bad(source, $"packs {values} values for a grid of {points} points");
        ValidatePacking(m.Slice(sec5, sec5Length), values, m.Slice(sec7 + 5, sec7Length - 5), source);
    }

    // Templates whose Ni/Nj (or Nx/Ny) sit at octets 31-38: lat/lon, rotated, Mercator, polar stereographic, Lambert, Gaussian.
    private static void ValidateGrib2Grid(ReadOnlySpan<byte> s3, long points, string source)
    {
        var template = BinaryPrimitives.ReadUInt16BigEndian(s3[12..]);
        if (template is not (0 or 1 or 10 or 20 or 30 or 40 or 41)) return;
        Need(s3, 38, 3, source);
        var ni = BinaryPrimitives.ReadUInt32BigEndian(s3[30..]);
        var nj = BinaryPrimitives.ReadUInt32BigEndian(s3[34..]);
        int listOctets = s3[10];
        if (template is 40 or 41)
        {
            Need(s3, 71, 3, source);
            CheckGaussianN(BinaryPrimitives.ReadUInt32BigEndian(s3[67..]), nj, source);
        }

        if (ni != uint.MaxValue)
        {
            if ((long)ni * nj != points) throw Bad(source, $"grid of {ni} x {nj} declares {points} points");
            return;
        }

        // Reduced grid: the pl list (Nj entries of listOctets bytes) closes section 3 and sums to the point count.
        if (listOctets is 0 or > 4 || (long)nj * listOctets > s3.Length - 14) throw Bad(source, $"reduced grid with {nj} rows has no valid pl list");
        var list = s3[^(int)(nj * listOctets)..];
        long sum = 0;
        for (var i = 0; i < nj; i++)
        {
            long v = 0;
            for (var k = 0; k < listOctets; k++) v = (v << 8) | list[(i * listOctets) + k];
            sum += v;
        }

        if (sum != points) throw Bad(source, $"reduced grid pl list sums to {sum} points, section 3 declares {points}");
    }

    private static void ValidateBitmap(ReadOnlySpan<byte> bitmap, long points, long values, string source)
    {
        if (points < 0) throw Bad(source, "has a bitmap before its grid section");
        if (bitmap.Length < (points + 7) / 8) throw Bad(source, $"bitmap has {bitmap.Length * 8L} bits for {points} points");
        long set = 0;
        var whole = (int)(points / 8);
        foreach (var b in bitmap[..whole]) set += BitOperations.PopCount(b);
        var rest = (int)(points % 8);
        if (rest > 0) set += BitOperations.PopCount((uint)(bitmap[whole] >> (8 - rest)));
        if (set != values) throw Bad(source, $"bitmap marks {set} points present but section 5 packs {values} values");
    }

    // Templates 5.0 (simple), 5.2/5.3 (complex), 5.40/41/42 (jpeg/png/ccsds), 5.61: sizes must fit section 7.
    private static void ValidatePacking(ReadOnlySpan<byte> s5, long values, ReadOnlySpan<byte> data, string source)
    {
        long payload = data.Length;
        var template = BinaryPrimitives.ReadUInt16BigEndian(s5[9..]);
        if (template is not (0 or 1 or 2 or 3 or 40 or 41 or 42 or 50 or 51 or 61)) return;
        Need(s5, 21, 5, source);
        int bits = s5[19];
        if (bits > 64) throw Bad(source, $"has bitsPerValue {bits}");
        if (template is 0 or 61 && (values * bits + 7) / 8 > payload)
        {
            throw Bad(source, $"needs {(values * bits + 7) / 8} bytes for {values} values of {bits} bits, data section has {payload}");
        }

        if (template is 2 or 3)
        {
            Need(s5, 47, 5, source);
            var groups = BinaryPrimitives.ReadUInt32BigEndian(s5[31..]);
            int widthBits = s5[36], lengthBits = s5[46];
            if (groups > values || (values > 0 && groups == 0)) throw Bad(source, $"complex packing has {groups} groups for {values} values");
            if (bits > 32 || widthBits > 32 || lengthBits > 32) throw Bad(source, "complex packing has group field widths over 32 bits");
            long needed = ((groups * bits) + 7) / 8 + (((groups * widthBits) + 7) / 8) + (((groups * lengthBits) + 7) / 8);
            if (template == 3)
            {
                Need(s5, 49, 5, source);
                int order = s5[47], extra = s5[48];
                if (order > 2 || extra > 4) throw Bad(source, $"spatial differencing of order {order} with {extra} extra octets");
                needed += (order + 1) * extra;
            }

            if (needed > payload) throw Bad(source, $"complex packing needs at least {needed} bytes, data section has {payload}");
            ValidateGroups(s5, data, values, groups, bits, widthBits, lengthBits, template, source);
        }
    }

    // ecCodes trusts the group descriptors of complex packing: lengths must add up to the value count and the
    // packed groups must fit the data section, or it writes past its output buffer.
    private static void ValidateGroups(ReadOnlySpan<byte> s5, ReadOnlySpan<byte> data, long values, long groups, int bits, int widthBits, int lengthBits, int template, string source)
    {
        if (groups == 0) return;
        long pos = 0;
        if (template == 3) pos = (s5[47] + 1L) * s5[48];
        pos += ((groups * bits) + 7) / 8;
        var widthsAt = pos;
        pos += ((groups * widthBits) + 7) / 8;
        var lengthsAt = pos;
        pos += ((groups * lengthBits) + 7) / 8;
        int referenceWidth = s5[35];
        long referenceLength = BinaryPrimitives.ReadUInt32BigEndian(s5[37..]);
        int increment = s5[41];
        long lastLength = BinaryPrimitives.ReadUInt32BigEndian(s5[42..]);
        long total = 0, packedBits = 0;
        for (long g = 0; g < groups; g++)
        {
            var width = referenceWidth + ReadBits(data, (widthsAt * 8) + (g * widthBits), widthBits);
            var length = g == groups - 1 ? lastLength : referenceLength + (ReadBits(data, (lengthsAt * 8) + (g * lengthBits), lengthBits) * increment);
            if (width > 32) throw Bad(source, $"complex packing group {g} is {width} bits wide");
            total += length;
            packedBits += length * width;
            if (total > values) break;
        }

        if (total != values) throw Bad(source, $"complex packing groups hold {total} values, section 5 declares {values}");
        if (((packedBits + 7) / 8) + pos > data.Length) throw Bad(source, $"complex packing groups need {((packedBits + 7) / 8) + pos} bytes, data section has {data.Length}");
    }

    private static long ReadBits(ReadOnlySpan<byte> data, long bitOffset, int count)
    {
        long v = 0;
        for (var i = 0; i < count; i++)
        {
            var bit = bitOffset + i;
            v = (v << 1) | (uint)((data[(int)(bit / 8)] >> (7 - (int)(bit % 8))) & 1);
        }

        return v;
    }

    private static void ValidateGrib1(ReadOnlySpan<byte> m, string source)
    {
        var total = (m[4] << 16) | (m[5] << 8) | m[6];
        if ((total & 0x800000) != 0) throw Bad(source, "uses ECMWF's large GRIB1 encoding (> 8 MiB), which Forge does not read");
        if (total != m.Length) throw Bad(source, $"declares {total} bytes but has {m.Length}");
        var pos = 8;
        var pds = Section1(m, ref pos, "product definition (1)", source);
        if (pds.Length < 28) throw Bad(source, $"product definition section of {pds.Length} bytes");
        var flags = pds[7];
        long points = -1;
        if ((flags & 0x80) != 0)
        {
            var gds = Section1(m, ref pos, "grid description (2)", source);
            if (gds.Length < 6) throw Bad(source, $"grid description section of {gds.Length} bytes");
            points = Grib1Points(gds, source);
        }

        long present = points;
        if ((flags & 0x40) != 0)
        {
            var bms = Section1(m, ref pos, "bitmap (3)", source);
            if (bms.Length < 6) throw Bad(source, $"bitmap section of {bms.Length} bytes");
            if (points >= 0 && bms[4] == 0 && bms[5] == 0)
            {
                var bits = bms[6..];
                if (bits.Length < (points + 7) / 8) throw Bad(source, $"bitmap has {bits.Length * 8L} bits for {points} points");
                present = 0;
                for (long i = 0; i < points; i++) present += (bits[(int)(i / 8)] >> (7 - (int)(i % 8))) & 1;
            }
        }

        var bds = Section1(m, ref pos, "binary data (4)", source);
        if (bds.Length < 11) throw Bad(source, $"binary data section of {bds.Length} bytes");
        int bpv = bds[10];
        if (bpv > 64) throw Bad(source, $"has bitsPerValue {bpv}");
        if (pos > m.Length - 4) throw Bad(source, "sections run past '7777'");
        // Simple grid-point packing: the data section holds exactly the present points.
        if (present >= 0 && bpv > 0 && (bds[3] & 0xC0) == 0)
        {
            var available = (((bds.Length - 11) * 8L) - (bds[3] & 0x0F)) / bpv;
            if (available < present) throw Bad(source, $"data section holds {available} values for {present} points");
        }
    }

    // Lat/lon and Gaussian GDS types (plain and rotated/stretched): Ni/Nj at octets 7-10, pl list for reduced grids.
    private static long Grib1Points(ReadOnlySpan<byte> gds, string source)
    {
        if (gds[5] is not (0 or 4 or 10 or 14 or 20 or 24 or 30 or 34) || gds.Length < 10) return -1;
        var ni = (gds[6] << 8) | gds[7];
        var nj = (gds[8] << 8) | gds[9];
        if (gds[5] is 4 or 14 or 24 or 34 && gds.Length >= 27) CheckGaussianN((uint)((gds[25] << 8) | gds[26]), (uint)nj, source);
        if (ni != 0xFFFF) return (long)ni * nj;
        int pvl = gds[4], nv = gds[3];
        var start = (pvl == 255 ? 33 : pvl - 1 + (4 * nv));
        if (start < 6 || start + (2L * nj) > gds.Length) throw Bad(source, $"reduced grid with {nj} rows has no valid pl list");
        long sum = 0;
        for (var i = 0; i < nj; i++) sum += (gds[start + (2 * i)] << 8) | gds[start + (2 * i) + 1];
        return sum;
    }

    // ecCodes computes Gaussian latitudes in O(N²): a corrupt N would stall the reader instead of failing.
    private static void CheckGaussianN(uint n, uint nj, string source)
    {
        if (n is 0 or > MaxGaussianN || nj > 2 * n) throw Bad(source, $"Gaussian grid N={n} with {nj} rows is impossible");
    }

    private static ReadOnlySpan<byte> Section1(ReadOnlySpan<byte> m, ref int pos, string name, string source)
    {
        if (pos + 3 > m.Length - 4) throw Bad(source, $"{name} section is missing");
        var length = (m[pos] << 16) | (m[pos + 1] << 8) | m[pos + 2];
        if (length < 3 || pos + length > m.Length - 4) throw Bad(source, $"{name} section at byte {pos} has impossible length {length}");
        var s = m.Slice(pos, length);
        pos += length;
        return s;
    }

    private static void Need(ReadOnlySpan<byte> section, int bytes, int number, string source)
    {
        if (section.Length < bytes) throw Bad(source, $"section {number} has {section.Length} bytes, its template needs {bytes}");
    }

    private static void RequireTemplate(string source, string edition, string template)
    {
        // Local-use templates (numbers from 32768) live under <edition>/local/<centre>/ (e.g. NCEP's 3.32769).
        var known = TemplateExists.GetOrAdd($"{edition}/{template}.def", static file =>
            DefinitionRoots.Value.Length == 0 || DefinitionRoots.Value.Any(root => File.Exists(Path.Combine(root, file))
                || (Directory.Exists(Path.Combine(root, Path.GetDirectoryName(file)!, "local"))
                    && Directory.EnumerateFiles(Path.Combine(root, Path.GetDirectoryName(file)!, "local"), Path.GetFileName(file), SearchOption.AllDirectories).Any())));
        if (!known) throw Bad(source, $"uses {template}, which ecCodes has no definition for");
    }

    private static unsafe string[] FindDefinitionRoots()
    {
        var path = Marshal.PtrToStringUTF8(EcCodesNative.codes_definition_path(EcCodesLibrary.Context));
        return string.IsNullOrEmpty(path) ? [] : path.Split(':', StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists).ToArray();
    }

    private static EcCodesException Bad(string source, string what) => new($"{source}: GRIB message {what}");
}
