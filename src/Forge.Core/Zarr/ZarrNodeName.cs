using System.Text;

namespace Forge.Core.Zarr;

/// <summary>
/// The rule for a name that becomes one Zarr node (array, group) and so one store key segment: variable names,
/// dimension names (they name coordinate arrays) and rename targets. Checked where names enter, from a recipe or
/// an input file, so a hostile name ('../x', 'a/b', '.zattrs') never reaches the store layer.
/// </summary>
public static class ZarrNodeName
{
    /// <summary>Longest name in UTF-8 bytes (a file system limit for one path segment).</summary>
    public const int MaxBytes = 255;

    /// <summary>Why <paramref name="name"/> cannot name a Zarr node, or null when it can.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) return "is empty";
        if (name is "." or "..") return "is '.' or '..'";
        if (name.AsSpan().IndexOfAny('/', '\\') >= 0) return "contains a path separator ('/' or '\\')";
        foreach (var c in name)
        {
            if (char.IsControl(c)) return "contains a control character";
        }

        if (name.StartsWith("__", StringComparison.Ordinal)) return "starts with '__' (reserved by Zarr v3)";
        if (name[0] == '.') return "starts with '.' (reserved for store metadata such as .zarray, .zattrs and .forge)";
        if (name == "zarr.json") return "is 'zarr.json' (the Zarr v3 metadata document)";
        if (Encoding.UTF8.GetByteCount(name) > MaxBytes) return $"is longer than {MaxBytes} bytes";
        return null;
    }

    /// <summary>A printable form of a hostile name for messages (control characters escaped, long names cut).</summary>
    public static string Show(string name)
    {
        var sb = new StringBuilder(Math.Min(name.Length, 80) + 2);
        foreach (var c in name.Length > 80 ? name[..80] : name)
        {
            if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }

        if (name.Length > 80) sb.Append('…');
        return sb.ToString();
    }
}
