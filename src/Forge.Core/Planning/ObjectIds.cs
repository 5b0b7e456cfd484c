namespace Forge.Core.Planning;

/// <summary>
/// Names target objects (chunks, or shards when sharded): "&lt;array&gt;/&lt;i.j.k&gt;", a scalar array's one object
/// "&lt;array&gt;/0". The ledger marks these ids done; they never depend on the memory budget or workers.
/// </summary>
public static class ObjectIds
{
    public static string Of(string array, ReadOnlySpan<long> index)
    {
        if (index.Length == 0) return array + "/0";
        var sb = new System.Text.StringBuilder(array.Length + 4 * index.Length).Append(array).Append('/');
        for (int i = 0; i < index.Length; i++)
        {
            if (i > 0) sb.Append('.');
            sb.Append(index[i]);
        }

        return sb.ToString();
    }
}
