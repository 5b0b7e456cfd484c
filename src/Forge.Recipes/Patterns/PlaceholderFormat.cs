using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Forge.Recipes.Patterns;

/// <summary>
/// How a key is written into a URL: dates with strftime codes (no format = ISO date), integers plain or zero-padded
/// (<c>03</c> or <c>03d</c>), strings as written (no format allowed).
/// </summary>
public static partial class PlaceholderFormat
{
    /// <summary>Checks a placeholder format against the kind of key it will format; null when valid.</summary>
    public static (int Offset, string Message)? Validate(string name, string? format, PatternKey sample)
    {
        if (format is null) return null;
        switch (sample)
        {
            case DateKey:
                return Strftime.Validate(format);
            case IntegerKey:
                return IntegerFormatPattern().IsMatch(format)
                    ? null
                    : (0, $"'{format}' is not an integer format for {{{name}}}; write {{{name}:03}} to zero-pad to 3 digits");
            default:
                return (0, $"placeholder {{{name}}} has string keys and takes no format");
        }
    }

    /// <summary>Appends a key formatted with a format that passed <see cref="Validate"/>.</summary>
    public static void Append(StringBuilder output, PatternKey key, string? format)
    {
        switch (key)
        {
            case DateKey date when format is not null:
                Strftime.Format(output, date.Value, format);
                break;
            case IntegerKey integer when format is not null && format != "d":
                var width = int.Parse(format.TrimEnd('d'), NumberStyles.None, CultureInfo.InvariantCulture);
                output.Append(integer.Value.ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                break;
            default:
                output.Append(key.ToString());
                break;
        }
    }

    [GeneratedRegex("^(?:0[1-9][0-9]?d?|d)$")]
    private static partial Regex IntegerFormatPattern();
}
