using System.Globalization;
using System.Text;
using Forge.Core.Arrays;
using Forge.Core.Datasets;

namespace Forge.Formats.Inspect;

/// <summary>
/// Renders a <see cref="DatasetSchema"/> as CDL in the style of <c>ncdump -hs</c>: dimensions (UNLIMITED with their
/// current length), variables with type and dimensions, storage (<c>_Storage</c>, <c>_ChunkSizes</c>, filters as
/// <c>_Shuffle</c>/<c>_DeflateLevel</c>/<c>_Fletcher32</c>), attributes with typed literals, and global attributes.
/// The text is valid CDL: <c>ncgen</c> rebuilds the header from it. What <c>forge inspect</c> prints.
/// </summary>
public static class DatasetSummary
{
    public static string Format(DatasetSchema schema, string source)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var sb = new StringBuilder();
        var name = Path.GetFileNameWithoutExtension(source);
        sb.Append("netcdf ").Append(Name(string.IsNullOrEmpty(name) ? "dataset" : name)).Append(" {\n");
        sb.Append("// source: ").Append(source.Replace('\n', ' ')).Append('\n');
        if (schema.Dimensions.Length > 0)
        {
            sb.Append("dimensions:\n");
            foreach (var d in schema.Dimensions)
            {
                sb.Append('\t').Append(Name(d.Name)).Append(" = ");
                if (d.IsUnlimited) sb.Append("UNLIMITED ; // (").Append(d.Length.ToString(CultureInfo.InvariantCulture)).Append(" currently)\n");
                else sb.Append(d.Length.ToString(CultureInfo.InvariantCulture)).Append(" ;\n");
            }
        }

        if (schema.Variables.Length > 0)
        {
            sb.Append("variables:\n");
            foreach (var v in schema.Variables)
            {
                sb.Append('\t').Append(TypeName(v.DataType)).Append(' ').Append(Name(v.Name));
                if (v.Rank > 0) sb.Append('(').AppendJoin(", ", v.Dimensions.Select(Name)).Append(')');
                sb.Append(" ;");
                if (v.IsCoordinate) sb.Append(" // coordinate");
                sb.Append('\n');
                foreach (var attribute in v.Attributes) AppendAttribute(sb, v.Name, attribute.Key, attribute.Value);
                AppendLayout(sb, v);
            }
        }

        if (schema.Attributes.Count > 0)
        {
            sb.Append("\n// global attributes:\n");
            foreach (var attribute in schema.Attributes) AppendAttribute(sb, string.Empty, attribute.Key, attribute.Value);
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    private static void AppendLayout(StringBuilder sb, VariableSchema v)
    {
        var prefix = "\t\t" + Name(v.Name) + ":";
        if (v.DataType == DataType.String || v.Rank == 0) return;
        // Contiguous storage is the default (and the only kind in classic files), so, like ncgen's input, it is left implicit.
        if (!v.Layout.IsChunked) return;

        sb.Append(prefix).Append("_Storage = \"chunked\" ;\n");
        sb.Append(prefix).Append("_ChunkSizes = ").AppendJoin(", ", v.Layout.Chunks.Select(c => c.ToString(CultureInfo.InvariantCulture))).Append(" ;\n");
        foreach (var filter in v.Layout.Filters)
        {
            if (filter == "shuffle") sb.Append(prefix).Append("_Shuffle = \"true\" ;\n");
            else if (filter == "fletcher32") sb.Append(prefix).Append("_Fletcher32 = \"true\" ;\n");
            else if (filter.StartsWith("deflate(", StringComparison.Ordinal)) sb.Append(prefix).Append("_DeflateLevel = ").Append(filter["deflate(".Length..^1]).Append(" ;\n");
            else sb.Append("\t\t// filter: ").Append(filter).Append('\n');
        }
    }

    private static void AppendAttribute(StringBuilder sb, string variable, string name, AttributeValue value)
    {
        sb.Append("\t\t").Append(variable.Length > 0 ? Name(variable) : string.Empty).Append(':').Append(Name(name)).Append(" = ");
        if (value.IsText) sb.Append(Quote(value.Text!));
        else if (value.Count == 0) sb.Append("\"\"");
        else
        {
            var suffix = value.Type switch
            {
                DataType.Int8 => "b",
                DataType.UInt8 => "UB",
                DataType.Int16 => "s",
                DataType.UInt16 => "US",
                DataType.UInt32 => "U",
                DataType.Int64 => "LL",
                DataType.UInt64 => "ULL",
                DataType.Float32 => "f",
                _ => string.Empty,
            };
            IEnumerable<string> items = value.Type.IsFloatingPoint()
                ? value.Reals.Select(r => Real(r, value.Type) + suffix)
                : !value.Unsigned.IsDefault
                    ? value.Unsigned.Select(u => u.ToString(CultureInfo.InvariantCulture) + suffix)
                    : value.Integers.Select(i => i.ToString(CultureInfo.InvariantCulture) + suffix);
            sb.AppendJoin(", ", items);
        }

        sb.Append(" ;\n");
    }

    private static string Real(double value, DataType type)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        var text = type == DataType.Float32
            ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
        // CDL needs a '.' or exponent to read a real; "1" would be an integer.
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".";
    }

    private static string TypeName(DataType type) => type switch
    {
        DataType.Int8 => "byte",
        DataType.UInt8 => "ubyte",
        DataType.Int16 => "short",
        DataType.UInt16 => "ushort",
        DataType.Int32 => "int",
        DataType.UInt32 => "uint",
        DataType.Int64 => "int64",
        DataType.UInt64 => "uint64",
        DataType.Float32 => "float",
        DataType.Float64 => "double",
        DataType.Char => "char",
        DataType.String => "string",
        DataType.Bool => "ubyte",
        _ => type.ToString(),
    };

    private static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default: sb.Append(c); break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>CDL escapes for names (ncdump escapes the same characters).</summary>
    private static string Name(string name)
    {
        var sb = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var plain = char.IsAsciiLetterOrDigit(c) || c == '_' || c > 127 || (i > 0 && c is '.' or '@' or '+' or '-');
            if (!plain || (i == 0 && char.IsAsciiDigit(c))) sb.Append('\\');
            sb.Append(c);
        }

        return sb.ToString();
    }
}
