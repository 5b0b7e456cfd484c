using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>Loads the single YAML document of a recipe or meta.yaml; syntax errors become recipe errors.</summary>
internal static class YamlLoading
{
    public static YamlNode? LoadRoot(YamlContext ctx, byte[] bytes)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            // A tab in indentation is the commonest cause, and YamlDotNet may report it at 1:1: point at the tab itself.
            if (FirstIndentationTab(bytes) is { } tab)
            {
                ctx.Error(tab, "a tab in the indentation; YAML indents with spaces only");
                return null;
            }

            var innermost = e;
            while (innermost.InnerException is YamlException next) innermost = next;
            ctx.Error(innermost.Start.Line > 0 ? innermost.Start : e.Start, "invalid YAML: " + Describe(e));
            return null;
        }
        catch (DecoderFallbackException)
        {
            ctx.ErrorAtFileStart("the file is not valid UTF-8 text");
            return null;
        }

        if (stream.Documents.Count == 0 || YamlContext.IsNull(stream.Documents[0].RootNode))
        {
            ctx.ErrorAtFileStart("the file is empty");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            ctx.Error(stream.Documents[1].RootNode, "the file holds more than one YAML document; write one recipe per file");
            return null;
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>The position (1-based) of the first tab in a line's leading whitespace, or null.</summary>
    private static Mark? FirstIndentationTab(byte[] bytes)
    {
        int line = 1, column = 1;
        var leading = true;
        foreach (var b in bytes)
        {
            if (b == (byte)'\n') { line++; column = 1; leading = true; continue; }
            if (leading && b == (byte)'\t') return new Mark(0, line, column);
            if (b != (byte)' ') leading = false;
            column++;
        }

        return null;
    }

    // YamlDotNet wraps the real cause ("duplicate key", "mapping values are not allowed here") in inner exceptions.
    private static string Describe(YamlException e)
    {
        Exception inner = e;
        while (inner.InnerException is YamlException next) inner = next;
        var message = inner.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(marker + 3)..] : message;
    }
}
