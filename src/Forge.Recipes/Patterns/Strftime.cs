using System.Globalization;
using System.Text;

namespace Forge.Recipes.Patterns;

/// <summary>The strftime subset recipes may use in date placeholders: %Y %m %d %H %M %j, and %% for a literal %.</summary>
public static class Strftime
{
    public const string AllowedCodes = "%Y %m %d %H %M %j";

    /// <summary>Returns null when the format is valid, else the offset of the bad code and a message.</summary>
    public static (int Offset, string Message)? Validate(string format)
    {
        if (!format.Contains('%', StringComparison.Ordinal))
            return (0, $"'{format}' is not a date format; use strftime codes ({AllowedCodes})");
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%') continue;
            if (i + 1 >= format.Length) return (i, $"the format '{format}' ends with a lone '%'");
            var code = format[i + 1];
            if ("YmdHMj%".IndexOf(code, StringComparison.Ordinal) < 0)
                return (i, $"strftime code '%{code}' is not supported; allowed: {AllowedCodes}");
            i++;
        }

        return null;
    }

    /// <summary>Formats a date with a format that passed <see cref="Validate"/>.</summary>
    public static void Format(StringBuilder output, DateTime value, string format)
    {
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 >= format.Length) { output.Append(c); continue; }
            i++;
            switch (format[i])
            {
                case 'Y': output.Append(value.Year.ToString("0000", CultureInfo.InvariantCulture)); break;
                case 'm': output.Append(value.Month.ToString("00", CultureInfo.InvariantCulture)); break;
                case 'd': output.Append(value.Day.ToString("00", CultureInfo.InvariantCulture)); break;
                case 'H': output.Append(value.Hour.ToString("00", CultureInfo.InvariantCulture)); break;
                case 'M': output.Append(value.Minute.ToString("00", CultureInfo.InvariantCulture)); break;
                case 'j': output.Append(value.DayOfYear.ToString("000", CultureInfo.InvariantCulture)); break;
                case '%': output.Append('%'); break;
                default: throw new FormatException($"strftime code '%{format[i]}' is not supported; allowed: {AllowedCodes}");
            }
        }
    }

    public static string Format(DateTime value, string format)
    {
        var output = new StringBuilder(format.Length + 8);
        Format(output, value, format);
        return output.ToString();
    }
}
