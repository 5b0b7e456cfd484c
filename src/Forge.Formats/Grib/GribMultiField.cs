using System.Buffers.Binary;
using Forge.Core.Datasets;

namespace Forge.Formats.Grib;

/// <summary>
/// GRIB2 multi-field messages (WMO Manual on Codes, FM 92: sections 2-7 may repeat inside one message, each
/// repetition inheriting the sections it does not repeat). Each field is cut into a standalone single-field
/// message (section 0, the latest 1-6 in force, its 7, "7777") so ecCodes decodes it like any other message.
/// This is what ecCodes' own multi-field support does when reading a file; Forge does it on the framed bytes
/// because that support is a context-wide switch keyed by FILE*, which concurrent readers cannot share.
/// </summary>
internal static class GribMultiField
{
    private const byte PreviouslyDefinedBitmap = 254;

    /// <summary>Number of fields (data sections) in a message: 1 for GRIB1 and single-field GRIB2.</summary>
    public static int CountFields(ReadOnlySpan<byte> message, string where)
    {
        if (message.Length < 8 || message[7] != 2) return 1;
        var count = 0;
        foreach (var (number, _, _) in Sections(message, where))
        {
            if (number == 7) count++;
        }

        return Math.Max(count, 1);
    }

    /// <summary>Field <paramref name="index"/> (0-based) of a GRIB2 message as a standalone single-field message.</summary>
    public static byte[] Extract(ReadOnlySpan<byte> message, int index, string where)
    {
        var latest = new (int Start, int Length)[8];
        (int Start, int Length) lastBitmap = default;
        var field = 0;
        foreach (var (number, start, length) in Sections(message, where))
        {
            if (number == 6)
            {
                if (message[start + 5] == PreviouslyDefinedBitmap)
                {
                    if (lastBitmap.Length == 0) throw new DataException($"{where}: field {field + 1} refers to a previously defined bitmap, but none precedes it");
                    latest[6] = lastBitmap;
                    continue;
                }

                lastBitmap = (start, length);
            }

            latest[number] = (start, length);
            if (number != 7) continue;
            if (field++ != index) continue;

            var total = 16 + 4;
            for (var s = 1; s <= 7; s++) total += latest[s].Length;
            var result = new byte[total];
            message[..16].CopyTo(result);
            BinaryPrimitives.WriteUInt64BigEndian(result.AsSpan(8), (ulong)total);
            var at = 16;
            for (var s = 1; s <= 7; s++)
            {
                message.Slice(latest[s].Start, latest[s].Length).CopyTo(result.AsSpan(at));
                at += latest[s].Length;
            }

            "7777"u8.CopyTo(result.AsSpan(at));
            return result;
        }

        throw new DataException($"{where}: has no field {index + 1}");
    }

    /// <summary>(number, start, length) of each section after section 0, up to "7777".</summary>
    private static List<(int Number, int Start, int Length)> Sections(ReadOnlySpan<byte> message, string where)
    {
        var result = new List<(int, int, int)>();
        var pos = 16;
        while (pos + 4 <= message.Length && !message.Slice(pos, 4).SequenceEqual("7777"u8))
        {
            if (pos + 5 > message.Length) throw new DataException($"{where}: GRIB2 section at byte {pos} of the message is cut");
            var length = BinaryPrimitives.ReadUInt32BigEndian(message[pos..]);
            int number = message[pos + 4];
            if (length < 5 || pos + length > message.Length - 4 || number is < 1 or > 7)
                throw new DataException($"{where}: GRIB2 section {number} at byte {pos} of the message declares an impossible length {length}");
            result.Add((number, pos, (int)length));
            pos += (int)length;
        }

        return result;
    }
}
