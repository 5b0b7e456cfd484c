using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>
/// Attribute values as written in YAML: strings, integers (int64), floats (float64), booleans, numeric lists; null
/// means "delete this attribute".
/// </summary>
internal static partial class AttributeParser
{
    public static ImmutableDictionary<string, AttributeValue?>? ParseMap(YamlContext ctx, YamlNode node, string path)
    {
        var map = ctx.Map(node, path, allowed: null);
        if (map is null) return null;
        var result = ImmutableDictionary.CreateBuilder<string, AttributeValue?>(StringComparer.Ordinal);
        var ok = true;
        foreach (var entry in map.Entries)
        {
            if (!TryParseValue(ctx, entry.Value, map.Child(entry.Key), out var value)) { ok = false; continue; }
            result[entry.Key] = value;
        }

        return ok ? result.ToImmutable() : null;
    }

    public static bool TryParseValue(YamlContext ctx, YamlNode node, string path, out AttributeValue? value)
    {
        value = null;
        switch (node)
        {
            case YamlScalarNode scalar when YamlContext.IsNull(scalar):
                return true;
            case YamlScalarNode scalar:
                value = Scalar(scalar);
                return true;
            case YamlSequenceNode { Children.Count: > 0 } list:
                var numbers = new List<(double Real, long? Integer)>();
                foreach (var item in list.Children)
                {
                    if (item is YamlScalarNode s && Scalar(s) is { IsText: false } number && number.Type != DataType.Bool)
                    {
                        numbers.Add(number.Type == DataType.Int64 ? (number.Integers[0], number.Integers[0]) : (number.Reals[0], null));
                        continue;
                    }

                    ctx.Error(item, $"attribute {YamlContext.Describe(path)} is a list, so every item must be a number");
                    return false;
                }

                value = numbers.All(n => n.Integer is not null)
                    ? AttributeValue.FromIntegers(DataType.Int64, [.. numbers.Select(n => n.Integer!.Value)])
                    : AttributeValue.FromReals(DataType.Float64, [.. numbers.Select(n => n.Real)]);
                return true;
            default:
                ctx.Error(node, $"attribute {YamlContext.Describe(path)} must be a string, a number, a list of numbers, true/false or null");
                return false;
        }
    }

    private static AttributeValue Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (!YamlContext.IsPlain(scalar)) return AttributeValue.FromText(text);
        if (YamlContext.IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return AttributeValue.FromIntegers(DataType.Int64, integer);
        if (TryParseYamlFloat(text, out var real)) return AttributeValue.FromReals(DataType.Float64, real);
        return text switch
        {
            "true" or "True" or "TRUE" => AttributeValue.FromIntegers(DataType.Bool, 1),
            "false" or "False" or "FALSE" => AttributeValue.FromIntegers(DataType.Bool, 0),
            _ => AttributeValue.FromText(text),
        };
    }

    /// <summary>YAML 1.2 core-schema floats (<c>1.5</c>, <c>1e-3</c>, <c>.nan</c>, <c>-.inf</c>).</summary>
    public static bool TryParseYamlFloat(string text, out double value)
    {
        value = 0;
        switch (text)
        {
            case ".nan" or ".NaN" or ".NAN": value = double.NaN; return true;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": value = double.PositiveInfinity; return true;
            case "-.inf" or "-.Inf" or "-.INF": value = double.NegativeInfinity; return true;
        }

        return FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
