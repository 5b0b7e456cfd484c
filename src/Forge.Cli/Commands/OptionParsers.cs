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
}
