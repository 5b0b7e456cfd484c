using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>Parses <c>concat.keys</c> (a range or a list) into ordered <see cref="PatternKey"/>s.</summary>
internal static partial class KeyParser
{
    /// <summary>A range may not expand to more keys than this (catches a 1-minute step over centuries).</summary>
    public const int MaxKeys = 2_000_000;

    public static (ImmutableArray<PatternKey> Keys, KeyRange? Range)? ParseKeys(YamlContext ctx, YamlNode node, string path)
    {
        var map = ctx.Map(node, path, ["range", "list"]);
        if (map is null) return null;
        var hasRange = map.Has("range");
        var hasList = map.Has("list");
        if (hasRange == hasList)
        {
            ctx.Error(map.Node, hasRange
                ? $"{YamlContext.Describe(path)} has both 'range' and 'list'; give exactly one"
                : $"{YamlContext.Describe(path)} needs exactly one of 'range' or 'list'");
            return null;
        }

        if (hasList)
        {
            var keys = ParseList(ctx, map.Get("list")!, map.Child("list"));
            return keys is null ? null : (keys.Value, null);
        }

        return ParseRange(ctx, map.Get("range")!, map.Child("range"));
    }

    /// <summary>Reads one key scalar: dates (<c>1981-09-01</c>, <c>1981-09-01T06:00</c>), integers, else text.</summary>
    public static PatternKey? ParseKey(YamlContext ctx, YamlNode node, string path)
    {
        var text = ctx.Text(node, path);
        if (text is null) return null;
        var scalar = (YamlScalarNode)node;
        if (DateLikePattern().IsMatch(text))
        {
            if (TryParseDate(text, out var date)) return date;
            ctx.Error(node, $"invalid date '{text}' in {YamlContext.Describe(path)}; write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]");
            return null;
        }

        // A quoted "001" stays text so zero-padded strings survive.
        if (YamlContext.IsPlain(scalar) && YamlContext.IntegerPattern().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return new IntegerKey(integer);
            ctx.Error(node, $"integer key '{text}' is out of range");
            return null;
        }

        return new TextKey(text);
    }

    internal static bool TryParseDate(string text, out DateKey key)
    {
        key = null!;
        var match = DatePattern().Match(text);
        if (!match.Success) return false;
        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var (year, month, day, hour, minute, second) = (Part(1), Part(2), Part(3), Part(4), Part(5), Part(6));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        key = new DateKey(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified), match.Groups[4].Success);
        return true;
    }

    private static ImmutableArray<PatternKey>? ParseList(YamlContext ctx, YamlNode node, string path)
    {
        if (node is not YamlSequenceNode { Children.Count: > 0 } list)
        {
            ctx.Error(node, $"{YamlContext.Describe(path)} must be a non-empty list of keys");
            return null;
        }

        var keys = ImmutableArray.CreateBuilder<PatternKey>(list.Children.Count);
        var seen = new HashSet<PatternKey>();
        var ok = true;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var key = ParseKey(ctx, item, $"{path}[{i}]");
            if (key is null) { ok = false; continue; }
            if (keys.Count > 0 && !SameKind(keys[0], key))
            {
                ctx.Error(item, $"key '{key}' is {KindName(key)} but the first key of {YamlContext.Describe(path)} is {KindName(keys[0])}; all keys must be of one kind");
                ok = false;
                continue;
            }

            if (!seen.Add(Normalize(key)))
            {
                ctx.Error(item, $"key '{key}' is listed twice in {YamlContext.Describe(path)}");
                ok = false;
                continue;
            }

            keys.Add(key);
        }

        return ok ? keys.ToImmutable() : null;
    }

    private static (ImmutableArray<PatternKey>, KeyRange)? ParseRange(YamlContext ctx, YamlNode node, string path)
    {
        var map = ctx.Map(node, path, ["start", "end", "step"]);
        if (map is null) return null;
        var startNode = map.Required("start");
        var endNode = map.Required("end");
        var start = startNode is null ? null : ParseKey(ctx, startNode, map.Child("start"));
        var relative = endNode is YamlScalarNode endScalar ? RelativeEnd.TryParse(endScalar.Value) : null;
        var end = relative is not null ? relative.Resolve(ctx.UtcNow) : endNode is null ? null : ParseKey(ctx, endNode, map.Child("end"));
        if (relative is not null && start is IntegerKey)
        {
            ctx.Error(endNode!, $"range end '{relative}' is relative to today, but start '{start}' is an integer; relative ends need a date range");
            return null;
        }
        if (start is TextKey) { ctx.Error(startNode!, $"range start '{start}' must be a date or an integer"); start = null; }
        if (end is TextKey) { ctx.Error(endNode!, $"range end '{end}' must be a date or an integer"); end = null; }
        if (start is null || end is null) return null;
        if (!SameKind(start, end))
        {
            ctx.Error(endNode!, $"range end '{end}' is {KindName(end)} but start '{start}' is {KindName(start)}");
            return null;
        }

        if (Normalize(end).CompareTo(Normalize(start)) < 0)
        {
            ctx.Error(endNode!, relative is null
                ? $"range end {end} is before start {start}"
                : $"range end '{relative}' is {end} (now is {ctx.UtcNow:yyyy-MM-dd'T'HH:mm}Z), before start {start}");
            return null;
        }

        RangeStep? step = start is DateKey ? RangeStep.OneDay : RangeStep.One;
        if (map.Get("step") is { } stepNode)
        {
            step = ParseStep(ctx, stepNode, map.Child("step"), start);
            if (step is null) return null;
        }

        var keys = Expand(start, end, step, relative?.InclusiveLimit(ctx.UtcNow));
        if (keys is null)
        {
            ctx.Error(map.Node, $"{YamlContext.Describe(path)} expands to more than {MaxKeys:N0} keys; use a larger step or split the recipe");
            return null;
        }

        return (keys.Value, new KeyRange(start, end, step) { RelativeEnd = relative?.ToString() });
    }

    private static RangeStep? ParseStep(YamlContext ctx, YamlNode node, string path, PatternKey start)
    {
        var text = ctx.Text(node, path);
        if (text is null) return null;
        var scalar = (YamlScalarNode)node;
        if (start is IntegerKey)
        {
            if (YamlContext.IsPlain(scalar) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return new RangeStep(n, StepUnit.Integer);
            ctx.Error(node, $"bad step '{text}' for an integer range; write a positive integer such as 1");
            return null;
        }

        var match = StepPattern().Match(text.Trim());
        if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            var unit = match.Groups[2].Value.ToLowerInvariant() switch
            {
                "minute" => StepUnit.Minute,
                "hour" => StepUnit.Hour,
                "day" => StepUnit.Day,
                "month" => StepUnit.Month,
                _ => StepUnit.Year,
            };
            return new RangeStep(count, unit);
        }

        ctx.Error(node, $"bad step '{text}' for a date range; write N day(s), N hour(s), N minute(s), N month(s) or N year(s), e.g. '1 day' or '6 hours'");
        return null;
    }

    /// <summary>
    /// All keys from start to end inclusive; null when there would be more than <see cref="MaxKeys"/>.
    /// <paramref name="limit"/> replaces a date end's instant as the inclusive bound (a relative end means its whole day).
    /// </summary>
    internal static ImmutableArray<PatternKey>? Expand(PatternKey start, PatternKey end, RangeStep step, DateTime? limit = null)
    {
        var keys = ImmutableArray.CreateBuilder<PatternKey>();
        if (start is IntegerKey a && end is IntegerKey b)
        {
            if ((b.Value - a.Value) / step.Count >= MaxKeys) return null;
            for (var v = a.Value; v <= b.Value; v += step.Count) keys.Add(new IntegerKey(v));
            return keys.ToImmutable();
        }

        var first = (DateKey)start;
        var last = limit ?? ((DateKey)end).Value;
        var hasTime = first.HasTime || ((DateKey)end).HasTime || step.Unit is StepUnit.Hour or StepUnit.Minute;
        for (var i = 0; ; i++)
        {
            if (i >= MaxKeys) return null;

            // Month and year steps count from the start so a 31st clamps per month instead of drifting.
            var value = step.Unit switch
            {
                StepUnit.Minute => first.Value.AddMinutes((double)i * step.Count),
                StepUnit.Hour => first.Value.AddHours((double)i * step.Count),
                StepUnit.Day => first.Value.AddDays((double)i * step.Count),
                StepUnit.Month => first.Value.AddMonths(checked(i * step.Count)),
                _ => first.Value.AddYears(checked(i * step.Count)),
            };
            if (value > last) break;
            keys.Add(new DateKey(value, hasTime));
        }

        return keys.ToImmutable();
    }

    private static bool SameKind(PatternKey a, PatternKey b) => a.GetType() == b.GetType();

    // Equality and order of dates ignore whether a time was written (1981-09-01 equals 1981-09-01T00:00).
    private static PatternKey Normalize(PatternKey key) => key is DateKey d ? d with { HasTime = false } : key;

    private static string KindName(PatternKey key) => key switch
    {
        DateKey => "a date",
        IntegerKey => "an integer",
        _ => "a string",
    };

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[T ].*)?$")]
    private static partial Regex DateLikePattern();

    [GeneratedRegex(@"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?Z?)?$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^([0-9]+)\s*(minute|hour|day|month|year)s?$", RegexOptions.IgnoreCase)]
    private static partial Regex StepPattern();
}
