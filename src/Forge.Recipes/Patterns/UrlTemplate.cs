using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Forge.Recipes.Patterns;

/// <summary>A piece of a URL template: literal text, or a <c>{name}</c> / <c>{name:format}</c> placeholder.</summary>
public sealed record UrlSegment(string? Literal, string? Name, string? Format, int Offset);

/// <summary>
/// A parsed <c>inputs.url</c>: literal text and placeholders. <c>{{</c> and <c>}}</c> stand for literal braces.
/// Offsets are character positions in the template, for error columns.
/// </summary>
public sealed partial class UrlTemplate
{
    private UrlTemplate(string text, ImmutableArray<UrlSegment> segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    public ImmutableArray<UrlSegment> Segments { get; }

    public IEnumerable<UrlSegment> Placeholders => Segments.Where(s => s.Name is not null);

    /// <summary>Parses a template; a syntax error is a <see cref="FormatException"/> naming the offset.</summary>
    public static UrlTemplate Parse(string text) =>
        TryParse(text, out var template, out var error) ? template : throw new FormatException($"url template '{text}', offset {error.Offset}: {error.Message}");

    public static bool TryParse(string text, out UrlTemplate template, out (int Offset, string Message) error)
    {
        var segments = ImmutableArray.CreateBuilder<UrlSegment>();
        var literal = new StringBuilder();
        var literalStart = 0;
        template = null!;
        error = default;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}') { literal.Append('}'); i++; continue; }
                error = (i, "unmatched '}' in url (write '}}' for a literal brace)");
                return false;
            }

            if (c != '{') { literal.Append(c); continue; }
            if (i + 1 < text.Length && text[i + 1] == '{') { literal.Append('{'); i++; continue; }
            var close = text.IndexOf('}', i + 1);
            if (close < 0)
            {
                error = (i, "unterminated placeholder '{' in url");
                return false;
            }

            var body = text[(i + 1)..close];
            var colon = body.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? body : body[..colon];
            var format = colon < 0 ? null : body[(colon + 1)..];
            if (!NamePattern().IsMatch(name))
            {
                error = (i, $"'{{{body}}}' is not a valid placeholder; write {{dim}} or {{dim:format}}");
                return false;
            }

            if (format is { Length: 0 })
            {
                error = (i, $"placeholder '{{{body}}}' has an empty format");
                return false;
            }

            if (literal.Length > 0) segments.Add(new UrlSegment(literal.ToString(), null, null, literalStart));
            literal.Clear();
            segments.Add(new UrlSegment(null, name, format, i));
            i = close;
            literalStart = close + 1;
        }

        if (literal.Length > 0) segments.Add(new UrlSegment(literal.ToString(), null, null, literalStart));
        template = new UrlTemplate(text, segments.ToImmutable());
        return true;
    }

    public override string ToString() => Text;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}
