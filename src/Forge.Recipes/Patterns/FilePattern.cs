using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Forge.Recipes.Patterns;

/// <summary>
/// The inputs of a recipe: the URL template filled with every (concat key, merge key) pair, in concat-major order
/// (all merge keys of concat key 0, then of concat key 1, ...). Deterministic: the same recipe always gives the
/// same list, which is what resume, append and <c>--shard</c> rely on.
/// </summary>
public sealed class FilePattern
{
    private readonly UrlTemplate _template;

    public FilePattern(UrlTemplate template, ConcatSpec concat, MergeSpec? merge)
    {
        _template = template;
        Concat = concat;
        Merge = merge;
        foreach (var placeholder in template.Placeholders)
        {
            if (placeholder.Name == concat.Dim)
            {
                if (!concat.Keys.IsEmpty && PlaceholderFormat.Validate(placeholder.Name, placeholder.Format, concat.Keys[0]) is { } error)
                    throw new ArgumentException($"url template '{template}': {error.Message}", nameof(template));
            }
            else if (placeholder.Name != merge?.Dim || placeholder.Format is not null)
            {
                throw new ArgumentException($"url template '{template}': unknown placeholder {{{placeholder.Name}}}", nameof(template));
            }
        }
    }

    /// <summary>The pattern of a parsed recipe's inputs.</summary>
    public static FilePattern FromRecipe(Recipe recipe) => FromInputs(recipe.Inputs);

    public static FilePattern FromInputs(InputsSpec inputs) => new(UrlTemplate.Parse(inputs.UrlTemplate), inputs.Concat, inputs.Merge);

    public ConcatSpec Concat { get; }

    public MergeSpec? Merge { get; }

    public int ConcatCount => Concat.Keys.Length;

    public int MergeCount => Merge?.Keys.Length ?? 1;

    /// <summary>The number of inputs: concat keys × merge keys.</summary>
    public int Count => ConcatCount * MergeCount;

    /// <summary>All inputs in concat-major order.</summary>
    public IEnumerable<PatternInput> Expand()
    {
        var url = new StringBuilder(_template.Text.Length + 16);
        for (var c = 0; c < Concat.Keys.Length; c++)
        {
            if (Merge is null)
            {
                yield return new PatternInput(c, Concat.Keys[c], -1, null, Format(url, Concat.Keys[c], null));
                continue;
            }

            for (var m = 0; m < Merge.Keys.Length; m++)
                yield return new PatternInput(c, Concat.Keys[c], m, Merge.Keys[m], Format(url, Concat.Keys[c], Merge.Keys[m]));
        }
    }

    /// <summary>The input at a concat and merge position (merge -1 when there is no merge).</summary>
    public PatternInput this[int concatIndex, int mergeIndex]
    {
        get
        {
            var key = Concat.Keys[concatIndex];
            var mergeKey = Merge is null ? null : Merge.Keys[mergeIndex];
            if (Merge is null && mergeIndex != -1) throw new ArgumentOutOfRangeException(nameof(mergeIndex), "the pattern has no merge dim");
            return new PatternInput(concatIndex, key, Merge is null ? -1 : mergeIndex, mergeKey, Format(new StringBuilder(), key, mergeKey));
        }
    }

    /// <summary>A pattern with only the first <paramref name="n"/> concat keys (all merge keys): <c>--prune N</c>.</summary>
    public FilePattern Prune(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        return n >= Concat.Keys.Length ? this : new FilePattern(_template, Concat with { Keys = Concat.Keys[..n] }, Merge);
    }

    /// <summary>Lowercase hex SHA-256 of the ordered URL list (each URL followed by '\n'), for provenance attributes.</summary>
    public string Sha256()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> newline = [(byte)'\n'];
        foreach (var input in Expand())
        {
            hash.AppendData(Encoding.UTF8.GetBytes(input.Url));
            hash.AppendData(newline);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private string Format(StringBuilder url, PatternKey concatKey, string? mergeKey)
    {
        url.Clear();
        foreach (var segment in _template.Segments)
        {
            if (segment.Literal is not null) url.Append(segment.Literal);
            else if (segment.Name == Concat.Dim) PlaceholderFormat.Append(url, concatKey, segment.Format);
            else url.Append(mergeKey);
        }

        return url.ToString();
    }
}
