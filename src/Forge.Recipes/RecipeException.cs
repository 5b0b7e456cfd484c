using System.Collections.Immutable;
using System.Text;

namespace Forge.Recipes;

/// <summary>
/// A recipe or meta.yaml is invalid. The message starts with <c>file:line:column: what is wrong</c> (the first
/// error); further errors, when several were found, follow on their own lines.
/// </summary>
public sealed class RecipeException : Exception
{
    /// <summary>How many errors the message lists before summarising the rest.</summary>
    public const int MaxListedErrors = 10;

    public RecipeException(string file, int line, int column, string what)
        : this([new RecipeError(file, line, column, what)])
    {
    }

    public RecipeException(SourceLocation location, string what)
        : this(location.File, location.Line, location.Column, what)
    {
    }

    public RecipeException(IReadOnlyList<RecipeError> errors)
        : base(Format(errors))
    {
        Errors = [.. errors];
        File = errors[0].File;
        Line = errors[0].Line;
        Column = errors[0].Column;
    }

    public string File { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>Every error found, in file order; the first one is also in <see cref="File"/>/<see cref="Line"/>/<see cref="Column"/>.</summary>
    public ImmutableArray<RecipeError> Errors { get; }

    private static string Format(IReadOnlyList<RecipeError> errors)
    {
        if (errors.Count == 0) throw new ArgumentException("a recipe exception needs at least one error", nameof(errors));
        var text = new StringBuilder(errors[0].ToString());
        for (var i = 1; i < Math.Min(errors.Count, MaxListedErrors); i++) text.Append('\n').Append(errors[i]);
        if (errors.Count > MaxListedErrors) text.Append('\n').Append($"... and {errors.Count - MaxListedErrors} more errors");
        return text.ToString();
    }
}
