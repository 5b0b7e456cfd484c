using System.CommandLine.Parsing;
using System.Globalization;

namespace Forge.Cli.Commands;

/// <summary>Value parsers whose errors name the option and say what is expected, never a .NET type name.</summary>
internal static class OptionParsers
{
    /// <summary>A whole number ≥ 1, e.g. for <c>--prune</c>.</summary>
    public static int? PositiveInt(ArgumentResult result)
    {
        var option = (result.Parent as OptionResult)?.Option.Name ?? result.Argument.Name;
        if (result.Tokens.Count == 0) return null;
        var text = result.Tokens[^1].Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            result.AddError($"{option} '{text}' is not a whole number (expected a count such as {option} 2)");
            return null;
        }

        if (n < 1)
        {
            result.AddError($"{option} must be at least 1 (got {text})");
            return null;
        }

        return n;
    }

    /// <summary>
    /// <c>--filter key=value</c> (repeatable; <c>key=a,b</c> means any of a, b): the GRIB reader's filter as
    /// <c>inputs.grib.filter</c> gives it (key → value or list of values, as text).
    /// </summary>
    public static IReadOnlyDictionary<string, object?>? GribFilter(ArgumentResult result)
    {
        var option = (result.Parent as OptionResult)?.Option.Name ?? result.Argument.Name;
        if (result.Tokens.Count == 0) return null;
        var filter = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var token in result.Tokens)
        {
            var eq = token.Value.IndexOf('=');
            if (eq <= 0 || eq == token.Value.Length - 1)
            {
                result.AddError($"{option} '{token.Value}' is not key=value (expected an ecCodes key and value, e.g. {option} shortName=t or {option} level=500,850)");
                return null;
            }

            var key = token.Value[..eq];
            var values = token.Value[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (filter.ContainsKey(key))
            {
                result.AddError($"{option} gives key '{key}' twice; list several values as {key}=a,b");
                return null;
            }

            filter[key] = values.Length == 1 ? values[0] : values.ToList();
        }

        return filter;
    }
}
