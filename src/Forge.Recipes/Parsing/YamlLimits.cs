using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Forge.Recipes.Parsing;

/// <summary>
/// Structure limits checked on the YAML event stream before a tree is built: the tree builder recurses per level and
/// holds every node, so a hostile recipe (40,000 nested lists, millions of keys) would overflow the stack or take
/// gigabytes. Real recipes stay far below every limit.
/// </summary>
internal static class YamlLimits
{
    /// <summary>Deepest nesting of mappings and lists (a recipe needs about 6).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes (scalars, mappings, lists, aliases) in one file.</summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>Most items in one list (an explicit <c>keys.list</c>; longer key sequences are written as a range).</summary>
    public const int MaxListItems = 200_000;

    /// <summary>Largest recipe file read.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Scans <paramref name="bytes"/>; the first limit crossed is an error at its line:column and returns false.</summary>
    public static bool Check(YamlContext ctx, TextReader reader)
    {
        var parser = new Parser(reader);
        var open = new Stack<(Mark Start, bool IsList, int Items)>();
        long nodes = 0;
        var last = Mark.Empty;
        while (true)
        {
            try
            {
                if (!parser.MoveNext()) break;
            }
            catch (Exception e) when (e is not System.Text.DecoderFallbackException && e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
            {
                // YamlDotNet's scanner fails on some malformed text with these instead of a YamlException (found by fuzzing).
                ctx.Error(last, "invalid YAML: the text after this point is malformed and cannot be read");
                return false;
            }

            var current = parser.Current!;
            last = current.End;
            if (current is not (NodeEvent or MappingEnd or SequenceEnd)) continue;
            if (current is MappingEnd or SequenceEnd)
            {
                open.Pop();
                continue;
            }

            if (++nodes > MaxNodes)
            {
                ctx.Error(current.Start, $"the file holds more than {MaxNodes:N0} YAML nodes; a recipe this large is refused");
                return false;
            }

            if (open.Count > 0 && open.Peek().IsList)
            {
                var (start, isList, items) = open.Pop();
                if (++items > MaxListItems)
                {
                    ctx.Error(start, $"this list holds more than {MaxListItems:N0} items; write long key sequences as a range");
                    return false;
                }

                open.Push((start, isList, items));
            }

            if (current is MappingStart or SequenceStart)
            {
                if (open.Count >= MaxDepth)
                {
                    ctx.Error(current.Start, $"mappings and lists are nested more than {MaxDepth} levels deep");
                    return false;
                }

                open.Push((current.Start, current is SequenceStart, 0));
            }
        }

        return true;
    }
}
